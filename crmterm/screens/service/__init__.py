"""Service management screens: the installed base, contracts, work orders and the dispatch board."""
