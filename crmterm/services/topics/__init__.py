"""Topics: the topic tree, typed attributes (definitions, forms, values, queries, checks) and contact
templates, with their config-as-code kinds.

Public: attribute_checks, attribute_forms, attribute_values, topic_checks (the topic tree's descendants),
topic_kinds, topics; internal: attribute_queries. Faces and other domains import only the public modules
(pyproject's protected contracts check it).
"""
