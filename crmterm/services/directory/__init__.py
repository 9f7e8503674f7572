"""Directory: the reference areas an admin maintains (channels, places, categories, priorities, ...), the
kinds registry every configurable area is declared in, and configuration as code (YAML export/import).

Public: config_io, directory, kinds, registry (each domain registers its areas into it), validation,
yaml_lines; internal: config_sections. Faces and other domains import only the public modules (pyproject's
protected contracts check it).
"""
