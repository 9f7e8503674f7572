"""Topics: the topic tree, typed attributes (definitions, forms, values, query lists, checks) and contact
templates, with their config-as-code kinds.

Public: attribute_checks, attribute_forms, attribute_values, list_queries (preview, catalogue), topic_checks
(the topic tree's descendants), topics; internal: attribute_queries, list_query_catalogue, list_query_compiler,
topic_kinds (registered with the directory). Faces and other domains
import only the public modules (pyproject's protected contracts check it).
"""

from crmterm.services.directory import registry
from crmterm.services.topics import topic_kinds

# The directory's registry reads the areas from here rather than importing them (directory/registry.py says why).
registry.register_kinds("topics", topic_kinds.TOPIC_KINDS)
