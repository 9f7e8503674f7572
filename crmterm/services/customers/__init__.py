"""Customers: parties and their structures, contracts/subscribers/discounts (contracts), the customer card,
search, import, leads, change history ("as of"), merges and the right to erasure."""
