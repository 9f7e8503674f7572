"""Topics: the topic tree, typed attributes (definitions, forms, values, queries, checks) and contact
templates, with their config-as-code kinds."""
