"""Knowledge: the knowledge base, article view, suggestions and the script runner."""
