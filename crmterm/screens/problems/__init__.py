"""System problems: the list and its dialogs."""
