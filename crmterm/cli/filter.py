"""`crmterm filter list | show | save | edit | delete | apply`: saved inquiry filters (the Queues tab's filter
tabs), own or shared with a user group, with every parameter; `apply` runs a group operation on everything a
filter matches."""

from __future__ import annotations

from typing import Any

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.inquiries import inquiry_moves
from crmterm.services.routing import filter_matches, queues, saved_filters
from crmterm.services.routing.inquiry_filter import InquiryFilter, parse_condition, period_bound
from crmterm.services.routing.saved_filters import PRIVATE, SavedFilterRead

app = typer.Typer(help="Saved inquiry filters: list, show, save, edit, delete, apply a group operation.",
                  no_args_is_help=True)
OWNER = typer.Option(None, "--owner", help="Whose filter (a supervisor editing someone's shared filter).")
# Every parameter defaults to None: `save` leaves it out, `edit` keeps the filter's own value.
QUEUE = typer.Option(None, "--queue", "-q")
STATE = typer.Option(None, "--state", "-s", help=", ".join(queues.STATE_FILTERS))
ASSIGNEE = typer.Option(None, "--assignee", help="A login, or 'me'.")
PRIORITY = typer.Option(None, "--priority")
TOPIC = typer.Option(None, "--topic", help="A topic or group code.")
SUBTOPICS = typer.Option(None, "--subtopics/--exact-topic", help="The topic with everything below it.")
CUSTOMER = typer.Option(None, "--customer", help="A customer's number.")
NODE = typer.Option(None, "--structure-node", help="A customer with every customer below it in the structures.")
STRUCTURE = typer.Option(None, "--structure", help="Only below it in this structure (default: in any).")
OVERDUE = typer.Option(None, "--overdue/--any-deadline", help="Only inquiries past their deadline.")
CREATED_FROM = typer.Option(None, "--created-from", help="A date or ISO date and time.")
CREATED_TO = typer.Option(None, "--created-to", help="Up to and including this date (or before this moment).")
DUE_FROM = typer.Option(None, "--due-from")
DUE_TO = typer.Option(None, "--due-to")
CHANNEL = typer.Option(None, "--channel")
PLACE = typer.Option(None, "--place")
ATTR = typer.Option(None, "--attr", help="CODE OP VALUE, e.g. 'amount>=1000' (ops: = != < <= > >= contains); "
                    "repeat for several. --attr '' clears them (edit).")
SHARE = typer.Option(None, "--share", help="Share with this user group.")
PRIVATE_OPTION = typer.Option(False, "--private", help="Stop sharing it.")


def _given(**options: Any) -> dict[str, Any]:
    """The typed options as InquiryFilter fields: dates parsed, conditions parsed, untouched ones left out."""
    fields = {k: v for k, v in options.items() if v is not None}
    for key in ("created_from", "created_to", "due_from", "due_to"):
        if key in fields:
            fields[key] = period_bound(fields[key], key, end=key.endswith("_to"))
    if "attributes" in fields:
        fields["attributes"] = [parse_condition(text) for text in fields["attributes"] if text.strip()]
    return fields


def _sharing(share: str | None, private: bool) -> str | None:
    if share and private:
        raise ValidationError("share", _("either --share GROUP or --private"))
    return PRIVATE if private else share


def _show(found: SavedFilterRead, as_json: bool) -> None:
    if as_json:
        print_json(found)
        return
    out.print(f"{found.name} ({found.owner}" + (f", {_('shared with')} {found.shared_with})" if found.shared_with
                                                 else ")"), markup=False)
    for key, value in found.where.model_dump(exclude_defaults=True).items():
        shown = "; ".join(str(c) for c in found.where.attributes) if key == "attributes" else value
        out.print(f"  {key}: {shown}", markup=False)


@app.command("list")
def list_(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Your saved filters, then those shared with your groups."""
    found = env_of(ctx).call(saved_filters.list_filters)
    if as_json:
        print_json(found)
        return
    print_table([{"name": f.name, "owner": f.owner, "shared": f.shared_with or "—",
                  "editable": _("yes") if f.editable else _("no")} for f in found],
                [("name", _("Name")), ("owner", _("Owner")), ("shared", _("Shared with")),
                 ("editable", _("May edit"))])


@app.command("show")
def show(ctx: typer.Context, name: str, owner: str = OWNER, as_json: bool = JSON_OPTION) -> None:
    """A saved filter's parameters."""
    _show(env_of(ctx).call(saved_filters.get_filter, name=name, owner=owner), as_json)


@app.command("save")
def save(ctx: typer.Context, name: str, queue: str = QUEUE, state: str = STATE, assignee: str = ASSIGNEE,
         priority: str = PRIORITY, topic: str = TOPIC, subtopics: bool = SUBTOPICS, customer: int = CUSTOMER,
         structure_node: int = NODE, structure: str = STRUCTURE, overdue: bool = OVERDUE,
         created_from: str = CREATED_FROM, created_to: str = CREATED_TO, due_from: str = DUE_FROM,
         due_to: str = DUE_TO, channel: str = CHANNEL, place: str = PLACE, attr: list[str] = ATTR,
         share: str = SHARE, private: bool = PRIVATE_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Save (or replace) your filter NAME with the parameters given."""
    where = InquiryFilter(**_given(
        queue=queue, state=state, assignee=assignee, priority=priority, topic=topic, subtopics=subtopics,
        customer=customer, structure_node=structure_node, structure=structure, overdue=overdue,
        created_from=created_from, created_to=created_to, due_from=due_from, due_to=due_to, channel=channel,
        place=place, attributes=attr or None))
    _show(env_of(ctx).call(saved_filters.save_filter, name=name, where=where,
                           shared_with=_sharing(share, private)), as_json)


@app.command("edit")
def edit(ctx: typer.Context, name: str, owner: str = OWNER,
         rename: str = typer.Option(None, "--rename", help="A new name."), queue: str = QUEUE, state: str = STATE,
         assignee: str = ASSIGNEE, priority: str = PRIORITY, topic: str = TOPIC, subtopics: bool = SUBTOPICS,
         customer: int = CUSTOMER, structure_node: int = NODE, structure: str = STRUCTURE, overdue: bool = OVERDUE,
         created_from: str = CREATED_FROM, created_to: str = CREATED_TO, due_from: str = DUE_FROM,
         due_to: str = DUE_TO, channel: str = CHANNEL, place: str = PLACE, attr: list[str] = ATTR,
         share: str = SHARE, private: bool = PRIVATE_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Change the parameters given (the others stay), rename, share or stop sharing a filter."""
    changes = _given(queue=queue, state=state, assignee=assignee, priority=priority, topic=topic,
                     subtopics=subtopics, customer=customer, structure_node=structure_node, structure=structure,
                     overdue=overdue, created_from=created_from, created_to=created_to, due_from=due_from,
                     due_to=due_to, channel=channel, place=place, attributes=attr or None)

    def change(session, actor) -> SavedFilterRead:
        where = None
        if changes:
            current = saved_filters.get_filter(session=session, actor=actor, name=name, owner=owner).where
            where = InquiryFilter.model_validate(current.model_dump() | changes)
        return saved_filters.edit_filter(session=session, actor=actor, name=name, owner=owner, new_name=rename,
                                         where=where, shared_with=_sharing(share, private))
    _show(env_of(ctx).run(change), as_json)


@app.command("delete")
def delete(ctx: typer.Context, name: str, owner: str = OWNER) -> None:
    """Delete a saved filter."""
    env_of(ctx).call(saved_filters.delete_filter, name=name, owner=owner)
    out.print(_("Filter deleted: {name}").format(name=name), markup=False)


@app.command("apply")
def apply(ctx: typer.Context, name: str,
          operation: str = typer.Argument(..., help=" | ".join(inquiry_moves.BULK)),
          value: str = typer.Argument(..., help="Login, queue, priority, resolution, or the new deadline."),
          reason: str = typer.Option("", "--reason", help="Why the deadline changes (deadline only)."),
          owner: str = OWNER, yes: bool = typer.Option(False, "--yes", help="Apply; without it, only count."),
          as_json: bool = JSON_OPTION) -> None:
    """A group operation on every inquiry filter NAME matches, all or nothing (count first without --yes)."""
    if operation not in inquiry_moves.BULK:
        raise ValidationError("operation", _("one of: {choices}").format(choices=", ".join(inquiry_moves.BULK)))
    params: dict[str, Any] = {"assign": {"login": value}, "transfer": {"queue": value},
                              "priority": {"priority": value}, "close": {"resolution": value}}.get(operation, {})
    if operation == "deadline":
        params = {"due_at": period_bound(value, "due_at", end=False), "reason": reason}

    def run(session, actor):
        ids = filter_matches.matching_ids(session=session, actor=actor, saved=name, owner=owner)
        if not yes or not ids:
            return ids, None
        return ids, inquiry_moves.bulk(session=session, actor=actor, operation=operation, ids=ids, **params)
    ids, results = env_of(ctx).run(run)
    if as_json:
        print_json({"matched": ids, "applied": results is not None, "results": results or []})
    elif results is None:
        out.print(_("{n} inquiries match; add --yes to apply {operation} to them").format(
            n=len(ids), operation=operation), markup=False)
    else:
        out.print(_("Inquiries changed: {n}").format(n=len(results)), markup=False)
