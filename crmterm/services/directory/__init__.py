"""Directory: the reference areas an admin maintains (channels, places, categories, priorities, ...), the
kinds registry every configurable area is declared in, and configuration as code (YAML export/import)."""
