"""What a client may write into an inquiry, checked in the service so the CLI, the API and the TUI are
refused alike: a contact template's allowed places, client categories and topics; read-only attributes
(by the topic's flags at registration; by the flags and the route step when a step edits values).

The TUI narrows its choices to the same rules; these checks are what holds when a client does not.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.inquiries.registration_refs import ContactRefs
from crmterm.services.topics.attribute_forms import AttributeForm, Flags
from crmterm.services.topics.attribute_values import AMOUNT, BadValue, parse
from crmterm.store import ClientCategory, ContactTemplate, Place, Topic

Problem = tuple[int | None, str, str]  # (inquiry index or None for the contact, field, message)


def template_contact_problems(session: Session, refs: ContactRefs) -> list[Problem]:
    """The contact's place and client category must be among the template's allowed ones (its defaults are)."""
    template = session.get(ContactTemplate, refs.template_id) if refs.template_id else None
    if template is None:
        return []
    problems: list[Problem] = []
    place = _outside(session, Place, refs.place_id, template.places, template.default_place_id)
    if place:
        problems.append((None, "place", _("'{c}' is not a place of template '{t}' (allowed: {a})")
                         .format(c=place, t=template.code, a=", ".join(template.places))))
    category = _outside(session, ClientCategory, refs.client_category_id, template.client_categories,
                        template.default_client_category_id)
    if category:
        problems.append((None, "client_category", _("'{c}' is not a client category of template '{t}' "
                                                    "(allowed: {a})").format(
            c=category, t=template.code, a=", ".join(template.client_categories))))
    return problems


def _outside(session: Session, model: Any, chosen_id: int | None, allowed: list[str],
             default_id: int | None) -> str | None:
    """The chosen entry's code when the template lists allowed entries and this is neither one nor the default."""
    if chosen_id is None or not allowed or chosen_id == default_id:
        return None
    code = session.exec(select(model.code).where(model.id == chosen_id)).first()
    return code if code not in allowed else None


def template_topic_problem(session: Session, template_id: int | None, index: int, path: list[str]
                           ) -> Problem | None:
    """A topic is allowed when the template lists it or a group above it (or names it its default)."""
    template = session.get(ContactTemplate, template_id) if template_id else None
    if template is None or not template.topics or set(path) & set(template.topics):
        return None
    default = session.exec(select(Topic.code).where(Topic.id == template.default_topic_id)).first() \
        if template.default_topic_id else None
    if default == path[-1]:
        return None
    return index, "topic", _("'{t}' is not a topic of template '{c}'").format(t=path[-1], c=template.code)


def readonly_problems(form: AttributeForm, raw: dict[str, Any], typed: dict[str, Any],
                      flags: dict[str, Flags], errors: dict[str, str]) -> list[tuple[str, str]]:
    """(field, message) for each read-only field given a value other than its default: the form shows it
    disabled with the default, so nobody types into it."""
    found = []
    for code in raw:
        field = form.field(code)
        if field is None or code in errors or not flags[code].readonly:
            continue
        if typed.get(code) != _default(field):
            found.append((code, _("read-only in topic '{t}'").format(t=form.topic)))
    return found


def _default(field) -> Any:
    try:
        return parse(field.type, field.default, pattern=field.pattern, max_length=field.max_length, decimals=AMOUNT)
    except BadValue:  # a default the admin left invalid is no value anyone could keep
        return None


def check_step_edit(form: AttributeForm, flags: dict[str, Flags], shown: list[str] | None, code: str) -> None:
    """Beyond the step's edit list: the attribute must belong to the inquiry's topic, be shown by the step and
    be neither read-only nor hidden by its flags, as the inquiry screen lets edit."""
    if form.field(code) is None:
        raise ValidationError(code, _("not an attribute of topic '{t}'").format(t=form.topic))
    if shown is not None and "*" not in shown and code not in shown:
        raise ValidationError(code, _("not shown in this step"))
    if flags[code].readonly or flags[code].hidden:
        raise ValidationError(code, _("read-only in topic '{t}'").format(t=form.topic))
