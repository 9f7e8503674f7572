"""The response library as a directory area (the generic directory service, config as code and the admin
forms handle it), with the check that makes a bad template fail when it is saved rather than when an agent
inserts it: the template must parse, and name only the variables `responses.render_response` fills."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from crmterm.errors import ValidationError
from crmterm.i18n import N_, _
from crmterm.services.directory.kinds import FieldSpec, Kind
from crmterm.settings import LANGUAGES
from crmterm.store import CannedResponse

if TYPE_CHECKING:  # Jinja is imported where a template is checked or rendered (every command imports this)
    from jinja2.sandbox import ImmutableSandboxedEnvironment

# What a response may say, filled from the inquiry and the agent (an admin writes `{{ customer }}`):
# the customer's name, the inquiry's number, its topic and deadline, the agent's name.
VARIABLES = ("customer", "inquiry", "topic", "deadline", "agent")
BODY_LENGTH = 4000


@lru_cache(maxsize=1)
def environment() -> ImmutableSandboxedEnvironment:
    """Sandboxed and immutable like the notification templates (sla/notification_templates): admins write
    these, and a template must not reach Python internals or change what it is given."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(autoescape=False, keep_trailing_newline=False)


def variables_of(body: str) -> set[str]:
    """The variables a template uses; a syntax error is a ValidationError on `body` with its line."""
    from jinja2 import TemplateSyntaxError, meta

    try:
        return set(meta.find_undeclared_variables(environment().parse(body)))
    except TemplateSyntaxError as error:
        raise ValidationError("body", _("template error on line {line}: {message}").format(
            line=error.lineno, message=error.message)) from None


def refine_response(document: dict, _ref_exists) -> dict:
    unknown = sorted(variables_of(document["body"]) - set(VARIABLES))
    if unknown:
        raise ValidationError("body", _("unknown variable '{name}' (known: {known})").format(
            name=unknown[0], known=", ".join(VARIABLES)))
    return document


def response_in_use(_session, _row) -> str | None:
    """Nothing refers to a response (an inserted text is a copy), so any response may be deleted."""
    return None


RESPONSE_KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("responses", N_("Response library"), CannedResponse, (
        FieldSpec("topic", N_("Topic (empty: any)"), "ref", ref="topics"),
        FieldSpec("language", N_("Language"), "choice", choices=LANGUAGES, default=LANGUAGES[0]),
        FieldSpec("body", N_("Text (variables: customer, inquiry, topic, deadline, agent)"),
                  "text", required=True, max_length=BODY_LENGTH),
    ), refine=refine_response, in_use=response_in_use),
)}
