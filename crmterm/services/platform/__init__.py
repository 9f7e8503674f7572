"""Platform: what sits on top of every domain: the gateway the TUI calls services through, bootstrap of a
database, demo seed and synthetic data, archiving and backups."""
