"""`crmterm customer …`: search, show (as of a date), tree, history, create/edit/place/move/merge, accounts."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from crmterm.cli._common import JSON_OPTION, entry_names, env_of, err, input_path, out, print_json, print_table
from crmterm.errors import CrmError, ValidationError
from crmterm.i18n import _, fmt_date
from crmterm.moments import typed_day
from crmterm.services.accounts.permissions import Permission, require
from crmterm.services.customers import contracts, customer_import, customer_search, customers, structures

if TYPE_CHECKING:
    from crmterm.services.customers.as_of import PartyAsOf

# The card (with its inquiries) and erasure are imported by the commands that use them: together they load the
# inquiry, topic, script and notification tables, which `customer search` — a script's most frequent call —
# never reads.

app = typer.Typer(help="Customers: parties, structures, contracts, subscribers.", no_args_is_help=True)
AS_OF = typer.Option(None, "--as-of", help="Show it as it was on this date (YYYY-MM-DD).")


def _pairs(items: list[str], option: str) -> dict[str, str]:
    pairs = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValidationError(option, _("expected FIELD=VALUE, got '{v}'").format(v=item))
        pairs[key.strip()] = value
    return pairs


@app.command("search")
def search(ctx: typer.Context, text: str, limit: int = typer.Option(20, "--limit"),
           after: str = typer.Option(None, "--after", help="Cursor of the last hit of the previous page."),
           as_json: bool = JSON_OPTION) -> None:
    """Find customers by name or e-mail fragment, phone (suffix), contract number or id."""
    hits = env_of(ctx).call(customer_search.search, query=text, limit=limit, after=after)
    if as_json:
        print_json(hits)
    else:
        print_table([h.model_dump() | {"kind": customers.kind_label(h.kind), "matched": _(h.matched),
                                       "status": customers.status_label(h.status)
                                       + (" · ⚠ " + _("blacklisted") if h.blacklisted else "")} for h in hits],
                    [("id", "ID"), ("display_name", _("Name")), ("kind", _("Kind")),
                    ("matched", _("Matched")), ("status", _("Status")), ("phone", _("Phone")),
                    ("contract", _("Contract")), ("region", _("Region"))])


@app.command("show")
def show(ctx: typer.Context, party_id: int, as_of: str = AS_OF, as_json: bool = JSON_OPTION) -> None:
    """The customer card: party, structures, contracts and subscribers, contact persons, discounts, attributes."""
    from crmterm.services.customers import customer_card

    card = env_of(ctx).call(customer_card.get_card, party_id=party_id, as_of=_date(as_of, "--as-of"))
    if as_json:
        print_json(card)
        return
    party = card.party
    if card.then is not None:
        _print_then(party.id, card.then)
    else:
        # names, not codes, for people (as the card in the TUI shows them); --json keeps the codes
        kind = customers.kind_label(party.kind) + (", " + _("lead") if party.is_lead else "")
        category = entry_names(ctx, "client_categories").get(party.category, party.category) if party.category else ""
        out.print(f"#{party.id} {party.display_name} ({kind}) {category} {customers.status_label(party.status)}",
                  markup=False)
    for warning in card.blacklist:
        out.print(f"  ⚠ {warning}", markup=False)
    if card.lead_export is not None:
        out.print(f"  {card.lead_export.text()}", markup=False)
    for path in card.structures:
        out.print(f"  {path.structure_label or path.structure}: " + " › ".join(n.name for n in path.path),
                  markup=False)
    for contract in card.contracts:
        numbers = ", ".join(s.number for s in contract.subscribers)
        out.print(f"  {_('contract')} {contract.number}: {numbers}", markup=False)
        for payment in contract.payments[:3]:
            split = _(" {invoice} from distribution #{id}").format(invoice=payment.invoice or _("advance"),
                                                                   id=payment.distribution_id)
            out.print(f"    {payment.paid_on} {payment.amount} {payment.currency} {payment.subscriber or ''}"
                      + (split if payment.distribution_id else ""), markup=False)
    for discount in card.discounts:
        label = _("discount")
        out.print(f"  {label} {discount.percent}% ({discount.applies_via})", markup=False)
    for code, value in card.attributes.items():
        out.print(f"  {code} = {value}", markup=False)


def _print_then(party_id: int, then: PartyAsOf) -> None:
    """The tracked fields as they were on a past day, each with the day it took effect (as_of.PartyAsOf)."""
    from crmterm.services.customers.as_of import FIELD_LABELS, since_text

    name = then.value("display_name") if then.field("display_name").known else "?"
    out.print(f"#{party_id} {name} · " + _("as of {date}").format(date=fmt_date(then.on)), markup=False)
    if not then.existed:
        out.print("  " + _("not yet a customer on that day"), markup=False)
    for field in then.fields:
        out.print(f"  {_(FIELD_LABELS[field.field])}: {field.shown}{since_text(field)}", markup=False)


def _date(value: str | None, option: str) -> date | None:
    if not value:
        return None
    return typed_day(value, option)


@app.command("tree")
def tree(ctx: typer.Context, party_id: int, structure: str = typer.Option(..., "--structure"),
         as_of: str = AS_OF, as_json: bool = JSON_OPTION) -> None:
    """The branch below a customer in STRUCTURE."""
    nodes = env_of(ctx).call(structures.subtree, structure=structure, party_id=party_id, on=_date(as_of, "--as-of"))
    if as_json:
        print_json(nodes)
        return
    for node in nodes:
        out.print(f"{'  ' * node.depth}#{node.party_id} {node.name}", markup=False)


@app.command("history")
def history(ctx: typer.Context, party_id: int, as_json: bool = JSON_OPTION) -> None:
    """Changes of tracked fields: who, when, old, new, source."""
    from crmterm.services.customers import customer_card

    changes = env_of(ctx).call(customer_card.party_history, party_id=party_id)
    if as_json:
        print_json(changes)
    else:
        print_table([c.model_dump() for c in changes], [("at", _("When")), ("by", _("Who")), ("field", _("Field")),
                    ("old", _("Old")), ("new", _("New")), ("source", _("Source"))])


@app.command("create")
def create(ctx: typer.Context, name: str = typer.Option(..., "--name"),
           kind: str = typer.Option("person", "--kind", help="person or organisation"),
           category: str = typer.Option(None, "--category"), email: str = typer.Option(None, "--email"),
           phone: str = typer.Option(None, "--phone"), lead: bool = typer.Option(False, "--lead"),
           names: list[str] = typer.Option([], "--names", help="LANG=NAME (repeatable)"),
           as_json: bool = JSON_OPTION) -> None:
    """Create a customer (or a lead)."""
    values = {"display_name": name, "kind": kind, "category": category, "email": email, "phone": phone,
              "is_lead": lead, "names": _pairs(names, "--names")}
    party = env_of(ctx).call(customers.create_party, values=values, source="cli")
    print_json(party) if as_json else out.print(_("Created customer #{id}").format(id=party.id), markup=False)


@app.command("edit")
def edit(ctx: typer.Context, party_id: int, field: list[str] = typer.Option(..., "--set", help="FIELD=VALUE"),
         version: int = typer.Option(None, "--version", help="Refuse if the customer changed since VERSION."),
         as_json: bool = JSON_OPTION) -> None:
    """Change fields: display_name, kind, category, status, email, phone."""
    values = _pairs(field, "--set")
    party = env_of(ctx).call(customers.update_party, party_id=party_id, values=values, expected_version=version,
                             source="cli")
    print_json(party) if as_json else out.print(_("Customer #{id} is at version {v}").format(
        id=party.id, v=party.version), markup=False)


@app.command("place")
def place(ctx: typer.Context, party_id: int, structure: str = typer.Option(..., "--structure"),
          parent: int = typer.Option(None, "--parent", help="Parent customer id (none: a root).")) -> None:
    """Put a customer into a structure."""
    env_of(ctx).call(structures.place, structure=structure, party_id=party_id, parent_id=parent, source="cli")
    out.print(_("Placed #{id} in {s}").format(id=party_id, s=structure), markup=False)


@app.command("move")
def move(ctx: typer.Context, party_id: int, structure: str = typer.Option(..., "--structure"),
         parent: int = typer.Option(None, "--parent", help="New parent id (none: make it a root)."),
         on: str = typer.Option(None, "--on", help="Effective date (default today).")) -> None:
    """Move a customer with its branch under another parent; the past stays as it was."""
    env_of(ctx).call(structures.move, structure=structure, party_id=party_id, parent_id=parent,
                     on=_date(on, "--on"), source="cli")
    out.print(_("Moved #{id} in {s}").format(id=party_id, s=structure), markup=False)


@app.command("merge")
def merge(ctx: typer.Context, survivor: int, merged: int, as_json: bool = JSON_OPTION) -> None:
    """Merge customer MERGED into SURVIVOR (contracts, persons, notes, places and history move over)."""
    party = env_of(ctx).call(customers.merge, survivor_id=survivor, merged_id=merged, source="cli")
    print_json(party) if as_json else out.print(_("Merged #{m} into #{s}").format(m=merged, s=survivor),
                                                markup=False)


@app.command("erase")
def erase(ctx: typer.Context, party_id: int = typer.Argument(..., metavar="ID"),
          yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
          as_json: bool = JSON_OPTION) -> None:
    """Anonymise customer ID's personal data (right to erasure); contacts and inquiries stay countable."""
    env = env_of(ctx)
    require(env.actor, Permission.CUSTOMERS_ERASE)  # refused before being asked (the service checks again)
    question = _("Erase the personal data of customer #{id}? This cannot be undone.").format(id=party_id)
    if not yes and not typer.confirm(question, default=False):
        raise CrmError(_("erasure cancelled"))
    from crmterm.services.customers import erasure

    done = env.call(erasure.erase_customer, party_id=party_id, source="cli")
    print_json(done) if as_json else out.print(_("Customer #{id} erased ({n} inquiries kept)").format(
        id=party_id, n=done.counts.get("inquiries", 0) + done.counts.get("inquiries_archive", 0)),
        markup=False)


@app.command("convert-lead")
def convert_lead(ctx: typer.Context, party_id: int) -> None:
    """Turn a lead into a customer."""
    env_of(ctx).call(customers.convert_lead, party_id=party_id, source="cli")
    out.print(_("Customer #{id} is no longer a lead").format(id=party_id), markup=False)


@app.command("set-attribute")
def set_attribute(ctx: typer.Context, party_id: int, code: str, value: str,
                  on: str = typer.Option(None, "--on", help="Effective date (default today).")) -> None:
    """Give a customer attribute a value from a date on (earlier dates keep the old value)."""
    from crmterm.services.customers import customer_card

    env_of(ctx).call(customer_card.set_attribute, party_id=party_id, code=code, value=value, on=_date(on, "--on"),
                     source="cli")
    out.print(_("Set {code} of #{id}").format(code=code, id=party_id), markup=False)


@app.command("add-contract")
def add_contract(ctx: typer.Context, party_id: int, number: str) -> None:
    """Open contract NUMBER with customer PARTY_ID as the payer."""
    env_of(ctx).call(contracts.add_contract, party_id=party_id, number=number, source="cli")
    out.print(_("Contract {n} opened").format(n=number.upper()), markup=False)


@app.command("add-subscriber")
def add_subscriber(ctx: typer.Context, contract: str, number: str,
                   service: str = typer.Option("mobile", "--service")) -> None:
    """Add service NUMBER (any formatting; stored as E.164) to CONTRACT."""
    env_of(ctx).call(contracts.add_subscriber, contract=contract, number=number, service=service, source="cli")
    out.print(_("Subscriber added"), markup=False)


@app.command("add-contact")
def add_contact(ctx: typer.Context, party_id: int, name: str, role: str = typer.Option("", "--role"),
                phone: list[str] = typer.Option([], "--phone"), email: list[str] = typer.Option([], "--email")) -> None:
    """Add a contact person to a customer."""
    env_of(ctx).call(contracts.add_contact_person, party_id=party_id, name=name, role=role, phones=phone,
                     emails=email)
    out.print(_("Contact person added"), markup=False)


@app.command("add-discount")
def add_discount(ctx: typer.Context, percent: str, party: int = typer.Option(None, "--customer"),
                 contract: str = typer.Option(None, "--contract"), until: str = typer.Option(None, "--until"),
                 description: str = typer.Option("", "--description")) -> None:
    """A discount on a customer (inherited below it in its structures) or on one contract."""
    env_of(ctx).call(contracts.add_discount, percent=percent, party_id=party, contract=contract,
                     valid_to=_date(until, "--until"), description=description)
    out.print(_("Discount added"), markup=False)


@app.command("note")
def note(ctx: typer.Context, party_id: int, text: str) -> None:
    """Add a note to a customer."""
    env_of(ctx).call(contracts.add_note, entity="party", entity_id=party_id, text=text)
    out.print(_("Note added"), markup=False)


@app.command("import")
def import_(ctx: typer.Context, file: Path = typer.Argument(..., help="CSV (header row) or JSONL file."),
            atomic: bool = typer.Option(False, "--atomic", help="Refuse the whole file on the first bad line."),
            as_json: bool = JSON_OPTION) -> None:
    """Import parties, structure links, contracts, subscribers and contact persons; bad lines are reported
    with their numbers (and exit code 1), good lines are kept unless --atomic."""
    from rich.progress import Progress

    env = env_of(ctx)
    input_path(ctx, file)
    with Progress(console=err, transient=True, disable=as_json) as progress:
        task = progress.add_task(_("Importing"), total=customer_import.count_records(file))
        report = env.call(customer_import.import_file, path=file, atomic=atomic, source="import",
                          progress=lambda n: progress.advance(task, n))
    if as_json:
        print_json({"created": report.created, "errors": [{"line": n, "error": e} for n, e in report.errors]})
    else:
        out.print(", ".join(f"{k}: {v}" for k, v in report.created.items()) or _("nothing imported"),
                  markup=False)
        for line, message in report.errors:
            err.print(f"error: {file}:{line}: {message}", markup=False)
    if report.errors:
        raise typer.Exit(1)


@app.command("add-payment")
def add_payment(ctx: typer.Context, contract: str, amount: str,
                subscriber: str = typer.Option(None, "--subscriber", help="One of the contract's numbers."),
                reference: str = typer.Option("", "--reference")) -> None:
    """Record a payment on CONTRACT (or one of its subscribers)."""
    env_of(ctx).call(contracts.add_payment, contract=contract, amount=amount, subscriber=subscriber,
                     reference=reference, source="cli")
    out.print(_("Payment recorded"), markup=False)
