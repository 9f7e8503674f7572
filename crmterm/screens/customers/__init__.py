"""Customers: search, the customer card and its dialogs (move, merge, erase, ...)."""
