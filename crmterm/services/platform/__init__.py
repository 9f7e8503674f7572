"""Platform: what sits on top of every domain: the gateway the TUI calls services through, bootstrap of a
database, demo seed and synthetic data, archiving and backups.

Public: archive, archive_read, backups, bootstrap, gateway, schema, seed, synthetic, synthetic_inquiries,
transactions; internal: demo_customers, demo_day, demo_work. Faces and other domains import only the public
modules (pyproject's protected contracts check it).
"""
