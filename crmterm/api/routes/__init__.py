"""The API's routers, one per domain (as the CLI has one module per command group)."""
