"""What every screen shares: the common dialogs (confirm, prompt, menu, ask) and the live change watch."""
