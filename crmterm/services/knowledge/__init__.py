"""Knowledge: the knowledge base (articles, search, usage, import/export) and call scripts (authoring,
runs, config)."""
