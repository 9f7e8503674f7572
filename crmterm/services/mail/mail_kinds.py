"""Intake rules as a directory area (`mail_rules:` in config as code, an admin form like every area): the
generic directory service validates, audits, imports and exports them; the condition is checked here because
it reads the mail's own variables, which inquiry rules do not have."""

from __future__ import annotations

from crmterm.errors import ValidationError
from crmterm.i18n import N_
from crmterm.services.directory.kinds import FieldSpec, Kind
from crmterm.services.directory.validation import RefExists
from crmterm.store import MailRule
from crmterm.workflow import rules

# What an intake rule sees: mail.sender, mail.recipient, mail.subject, mail.body; customer.known,
# customer.id, customer.category (empty when the sender matched no customer); now.
VARIABLES = ("mail", "customer", "now")


def refine_rule(document: dict, _ref_exists: RefExists) -> dict:
    condition = rules.normalise(document.get("condition"))
    found = rules.problems(condition, variables=VARIABLES)
    if found:
        raise ValidationError("condition", str(found[0]))
    return {**document, "condition": condition}


MAIL_KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("mail_rules", N_("E-mail intake rules"), MailRule, (
        FieldSpec("condition", N_("Condition (a rule over mail.sender, mail.recipient, mail.subject, mail.body "
                                  "and customer; yes: always)"), "text", default="true", max_length=1000),
        FieldSpec("topic", N_("Topic of the new inquiry"), "ref", required=True, ref="topics"),
        FieldSpec("queue", N_("Queue (empty: the one its route gives)"), "ref", ref="queues"),
        FieldSpec("priority", N_("Priority (empty: the topic's)"), "ref", ref="priorities"),
    ), refine=refine_rule),
)}
