"""The app's shell: log-in, lock screen, workspace tabs, shared dialogs and the live watch."""
