"""Topics, attribute groups, attribute definitions and contact templates as directory areas: the generic
directory service, config as code and admin forms handle them; the rules across fields live in topic_checks."""

from __future__ import annotations

from crmterm.i18n import N_
from crmterm.services.directory.kinds import FieldSpec, Kind
from crmterm.services.topics import attribute_queries, topic_checks
from crmterm.services.topics.attribute_values import TYPES
from crmterm.services.topics.list_query_catalogue import ENTITIES
from crmterm.services.topics.list_query_compiler import check_definition
from crmterm.store import AttributeDef, AttributeGroup, ContactTemplate, ListQuery, Topic

INQUIRY_TYPES = ("consultation", "request", "complaint")
_TYPE_LABELS = (N_("consultation"), N_("request"), N_("complaint"))  # shown through _(type)
FLAGS = ("mandatory", "hidden", "readonly")

TOPIC_KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("attribute_groups", N_("Attribute groups"), AttributeGroup, (
        FieldSpec("collapsed", N_("Collapsed by default"), "bool", default=False),
    ), in_use=topic_checks.group_in_use),
    Kind("topics", N_("Topics"), Topic, (
        FieldSpec("parent", N_("Parent group"), "ref", ref="topics"),
        FieldSpec("short_code", N_("Numeric code"), "int", required=True),
        FieldSpec("is_group", N_("Group"), "bool", default=False),
        FieldSpec("inquiry_type", N_("Inquiry type"), "choice", choices=INQUIRY_TYPES, default="consultation"),
        FieldSpec("default_priority", N_("Default priority"), "ref", ref="priorities"),
        FieldSpec("attachment_max_kb", N_("Attachment limit, KB (empty: the global limit)"), "int"),
    ), refine=topic_checks.refine_topic, check=topic_checks.check_topic, in_use=topic_checks.topic_in_use),
    # Before attributes: an attribute names the list query that gives its values
    Kind("list_queries", N_("Query lists"), ListQuery, (
        FieldSpec("entity", N_("Entity"), "choice", required=True, choices=tuple(ENTITIES),
                  choice_labels=tuple(e.label for e in ENTITIES.values())),
        FieldSpec("filters", N_("Filters (YAML: - {field: customer_id, op: eq, param: customer_id})"), "yaml",
                  default=()),
        FieldSpec("value_field", N_("Value field"), required=True, max_length=64),
        FieldSpec("label", N_("Label (fields in braces, e.g. {number} ({contract}))"), required=True,
                  max_length=300),
        FieldSpec("order", N_("Order (fields, -field for descending)"), default="", max_length=200),
        FieldSpec("limit", N_("Rows at most (1 to 200)"), "int", default=50),
    ), refine=check_definition, in_use=attribute_queries.used_by),
    Kind("attributes", N_("Topic attributes"), AttributeDef, (
        FieldSpec("topic", N_("Defined on topic"), "ref", required=True, ref="topics"),
        FieldSpec("type", N_("Type"), "choice", choices=TYPES, default="string"),
        FieldSpec("group", N_("Attribute group"), "ref", ref="attribute_groups"),
        FieldSpec("dictionary", N_("Dictionary"), "ref", ref="dictionaries"),
        FieldSpec("query", N_("List query (code of a query list)"), max_length=64),
        FieldSpec("pattern", N_("Pattern (regular expression)"), "regex", max_length=300),
        FieldSpec("max_length", N_("Maximum length"), "int"),
        FieldSpec("default", N_("Default value"), max_length=500),
        FieldSpec("mandatory", N_("Mandatory (yes, no or a rule)"), "rule", default="false", max_length=1000),
        FieldSpec("hidden", N_("Hidden (yes, no or a rule)"), "rule", default="false", max_length=1000),
        FieldSpec("readonly", N_("Read-only (yes, no or a rule)"), "rule", default="false", max_length=1000),
        FieldSpec("overrides", N_("Overrides below (YAML: topic: {default, mandatory, …})"), "yaml",
                  default={}),
        FieldSpec("personal", N_("Personal data (erased with the customer)"), "bool", default=False),
    ), code_pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", refine=topic_checks.refine_attribute,
        check=topic_checks.check_attribute),
    Kind("templates", N_("Contact templates"), ContactTemplate, (
        FieldSpec("short_code", N_("Numeric code"), "int", required=True),
        FieldSpec("place_type", N_("Place type"), "ref", ref="place_types"),
        FieldSpec("places", N_("Allowed places"), "refs", ref="places", default=()),
        FieldSpec("default_place", N_("Default place"), "ref", ref="places"),
        FieldSpec("direction", N_("Direction"), "choice", choices=("in", "out"), default="in"),
        FieldSpec("channel", N_("Channel"), "ref", ref="channels"),
        FieldSpec("topics", N_("Allowed topics"), "refs", ref="topics", default=()),
        FieldSpec("default_topic", N_("Default topic"), "ref", ref="topics"),
        FieldSpec("client_categories", N_("Allowed client categories"), "refs", ref="client_categories",
                  default=()),
        FieldSpec("default_client_category", N_("Default client category"), "ref", ref="client_categories"),
        FieldSpec("default_script", N_("Default script"), max_length=64),
        FieldSpec("default_text", N_("Default text"), "text", max_length=2000, default=""),
        FieldSpec("users", N_("Assigned users"), "refs", ref="users", default=()),
        FieldSpec("user_groups", N_("Assigned user groups"), "refs", ref="user_groups", default=()),
    ), refine=topic_checks.refine_template, check=topic_checks.check_template),
)}
