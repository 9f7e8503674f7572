"""Register: the agent's registration of a contact and its inquiries (F4)."""
