"""Admin: the directory areas, topics and the script editor."""
