"""`crmterm contact register FILE|-` and `crmterm inquiry create | show | comment | attach | event | function`;
register and event are the external API: idempotent by `--external-id`."""

from __future__ import annotations

from pathlib import Path

import typer
from pydantic import ValidationError as SchemaError

from crmterm.cli._common import (
    JSON_OPTION,
    env_of,
    err,
    input_path,
    out,
    parse_json,
    print_json,
    print_table,
    read_input,
)
from crmterm.errors import ValidationError
from crmterm.i18n import _, fmt_datetime
from crmterm.services import knowledge  # noqa: F401 - registration writes script runs and KB articles through it
from crmterm.services.inquiries import attachments, external_events, functions, inquiries, registration
from crmterm.services.inquiries.inquiry_log import EVENT_LABELS, state_label
from crmterm.services.inquiries.registration import ContactDraft
from crmterm.services.platform import archive_read
from crmterm.services.topics.attribute_checks import sample_values

contact_app = typer.Typer(help="Contacts with the customer and the inquiries raised in them.", no_args_is_help=True)
app = typer.Typer(help="Inquiries: create, show, comment, attach files, events from other systems.",
                  no_args_is_help=True)


def _draft(document: object, source: str) -> ContactDraft:
    try:
        return ContactDraft.model_validate(document)
    except SchemaError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValidationError(None, f"{source}: {where}: {first['msg']}") from None


def _read_document(ctx: typer.Context, file: str) -> object:
    return parse_json(read_input(ctx, file), None, file)


def _print_registered(done: registration.Registered, as_json: bool) -> None:
    if as_json:
        print_json(done)
        return
    out.print(_("Contact {c}: inquiries {ids}").format(c=done.contact_id, ids=", ".join(map(str, done.inquiry_ids))),
              markup=False)
    if done.closed:
        out.print(_("Closed at once (consultations): {ids}").format(ids=", ".join(map(str, done.closed))), markup=False)


EXTERNAL_ID_OPTION = typer.Option(None, "--external-id", help="The calling system's id of this request: a "
                                   "repeat with the same id returns the first result and changes nothing.")
SOURCE_OPTION = typer.Option(None, "--source", help="The calling system (default: the --user login); external "
                             "ids are unique per source.")


@contact_app.command("register")
def register(ctx: typer.Context, file: str = typer.Argument(..., help="JSON document, or - for stdin."),
             external_id: str | None = EXTERNAL_ID_OPTION, source: str | None = SOURCE_OPTION,
             as_json: bool = JSON_OPTION) -> None:
    """Register a contact and all its inquiries from JSON: all or nothing; prints the created ids. The
    document may carry "external_id" and "source" at the top (the options win)."""
    document = _read_document(ctx, file)
    if isinstance(document, dict):
        external_id = external_id or _text_or_none(document.pop("external_id", None))
        source = source or _text_or_none(document.pop("source", None))
    draft = _draft(document, file)
    env = env_of(ctx)
    done = env.call(external_events.register, draft=draft, limits=attachments.limits_of(env.settings),
                    external_id=external_id, source=source, max_inquiries=env.settings.contact_max_inquiries)
    if done.replayed and not as_json:
        err.print(_("Already done for external id {id}: nothing changed").format(id=external_id), markup=False)
    _print_registered(done, as_json)


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)


@app.command("event")
def event(ctx: typer.Context, inquiry_id: int, name: str = typer.Argument(..., help="The event's name."),
          data: str = typer.Option(None, "--data", help="The event's data: a JSON object (or - for stdin)."),
          external_id: str = EXTERNAL_ID_OPTION, source: str = SOURCE_OPTION, as_json: bool = JSON_OPTION) -> None:
    """An event from another system: moves the inquiry along a transition waiting for it (on_event, guard
    over event.data), else is logged on the inquiry for automation."""
    payload = None
    if data is not None:
        payload = parse_json(read_input(ctx, data) if data == "-" else data, "data")
    done = env_of(ctx).call(external_events.push, inquiry_id=inquiry_id, name=name, data=payload,
                            external_id=external_id, source=source)
    if as_json:
        print_json(done)
        return
    where = " · ".join(p for p in (state_label(done.state), done.step, done.queue) if p)
    if done.moved:
        out.print(_("#{n}: moved by '{t}' ({where})").format(n=done.inquiry_id, t=done.transition, where=where),
                  markup=False)
    else:
        out.print(_("#{n}: event logged, not moved: {why}").format(n=done.inquiry_id, why=done.note), markup=False)
    if done.replayed:
        err.print(_("Already done for external id {id}: nothing changed").format(id=external_id), markup=False)


@app.command("function")
def function(ctx: typer.Context, inquiry_id: int, name: str = typer.Argument(..., help="The function's name."),
             param: list[str] = typer.Option([], "--param", "-p", help="NAME=VALUE, repeatable."),
             as_json: bool = JSON_OPTION) -> None:
    """Run an installed business function on an inquiry (`crmterm inquiry function 5 x --param a=1`)."""
    params = {}
    for item in param:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValidationError("--param", _("expected NAME=VALUE, got '{v}'").format(v=item))
        params[key.strip()] = value
    done = env_of(ctx).call(functions.run, name=name, inquiry_id=inquiry_id, params=params)
    if as_json:
        print_json(done)
        return
    out.print(f"#{done.inquiry_id}: {done.name}" + (f": {done.result}" if done.result else ""), markup=False)


@app.command("create")
def create(ctx: typer.Context, topic: str = typer.Option(..., "--topic", help="Topic code or numeric path."),
           customer: int = typer.Option(None, "--customer"), subscriber: str = typer.Option(None, "--subscriber"),
           attr: list[str] = typer.Option([], "--attr", help="CODE=VALUE, repeatable."),
           channel: str = typer.Option(None, "--channel"), place: str = typer.Option(None, "--place"),
           template: str = typer.Option(None, "--template"), priority: str = typer.Option(None, "--priority"),
           parent: int = typer.Option(None, "--parent", help="Spawn from this inquiry."),
           text: str = typer.Option("", "--text"), as_json: bool = JSON_OPTION) -> None:
    """Register one inquiry in a new contact."""
    draft = ContactDraft(template=template, place=place, channel=channel, customer=customer, subscriber=subscriber,
                         inquiries=[{"topic": topic, "priority": priority, "values": sample_values(attr, "--attr"),
                                     "parent": parent, "text": text}])
    _print_registered(env_of(ctx).call(registration.register, draft=draft), as_json)


@app.command("show")
def show(ctx: typer.Context, inquiry_id: int, as_json: bool = JSON_OPTION) -> None:
    """Everything about an inquiry: fields, attribute values, events, attachments, children (an archived
    inquiry too, read-only)."""
    found = env_of(ctx).call(archive_read.find_inquiry, inquiry_id=inquiry_id)
    if as_json:
        print_json(found)
        return
    kind, state = _(found.type), state_label(found.state)
    out.print(f"#{found.id} {found.topic_label} ({found.topic}) · {kind} · {state}", markup=False)
    if isinstance(found, archive_read.ArchivedInquiryRead):
        out.print(_("Archived {at} (read-only)").format(at=fmt_datetime(found.archived_at)),
                  markup=False)
    out.print(_("Customer: {c} · contact {k} at {at}").format(c=found.customer or "—", k=found.contact.id,
                                                             at=fmt_datetime(found.contact.at)),
              markup=False)
    if found.route:
        out.print(_("Route {route} (revision {rev}) · step {step} · queue {queue} · assignee {who} · due {due}").format(
            route=found.route_label or found.route, rev=found.revision, step=found.step_label or found.step,
            queue=found.queue_label or found.queue or "—", who=found.assignee or "—",
            due=fmt_datetime(found.due_at) if found.due_at else "—"),
            markup=False)
    if found.resolution:
        out.print(_("Resolution: {text}").format(text=found.resolution), markup=False)
    if found.parent_id:
        out.print(_("Spawned from #{n}").format(n=found.parent_id), markup=False)
    print_table([v.model_dump() for v in found.values], [("label", _("Attribute")), ("shown", _("Value"))])
    # names, not codes, for people; --json keeps the codes for scripts
    print_table([e.model_dump() | {"at": fmt_datetime(e.at), "kind": _(EVENT_LABELS.get(e.kind) or e.kind)}
                 for e in found.events],
                [("at", _("When")), ("actor", _("Who")), ("kind", _("Event")), ("text", _("Text"))])
    for a in found.attachments:
        out.print(f"📎 {a.name} ({a.size} B, {a.sha256[:12]})", markup=False)
    for child in found.children:
        out.print(_("Child #{n}: {t} · {s}").format(n=child.id, t=child.topic_label, s=state_label(child.state)),
                  markup=False)


@app.command("comment")
def comment(ctx: typer.Context, inquiry_id: int, text: str, public: bool = typer.Option(
        False, "--public", help="Show it to the customer in the portal (else an internal note)")) -> None:
    """Add a comment to the inquiry's timeline."""
    env_of(ctx).call(inquiries.comment, inquiry_id=inquiry_id, text=text, public=public)
    out.print((_("Public comment added to #{n}") if public else _("Comment added to #{n}")).format(n=inquiry_id),
              markup=False)


@app.command("attach")
def attach(ctx: typer.Context, inquiry_id: int, file: str, as_json: bool = JSON_OPTION) -> None:
    """Attach FILE (type and size checked; identical content is stored once)."""
    env = env_of(ctx)
    attachment_id = env.call(attachments.attach_path, inquiry_id=inquiry_id, path=str(input_path(ctx, file)),
                             limits=attachments.limits_of(env.settings))
    print_json({"attachment_id": attachment_id}) if as_json else out.print(
        _("Attached {f} to #{n}").format(f=Path(file).name, n=inquiry_id), markup=False)
