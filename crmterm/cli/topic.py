"""`crmterm topic tree | find PATH | form TOPIC [--attr CODE=VALUE]… | templates LOGIN` and `rule check`."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.topics import attribute_checks, topics
from crmterm.workflow import rules

app = typer.Typer(help="Topics: the tree, numeric codes, attribute forms, templates.", no_args_is_help=True)
rule_app = typer.Typer(help="CEL rules.", no_args_is_help=True)


@app.command("tree")
def tree(ctx: typer.Context, active_only: bool = typer.Option(False, "--active-only"),
         as_json: bool = JSON_OPTION) -> None:
    """The topic tree with numeric codes (type them in the registration form)."""
    nodes = env_of(ctx).call(topics.topic_tree, active_only=active_only)
    if as_json:
        print_json([n.__dict__ | {"label": n.label} for n in nodes])
        return
    rows = [{"path": n.short_path, "topic": "  " * n.depth + n.label + ("/" if n.is_group else ""),
             "code": n.code, "type": "" if n.is_group else _(n.inquiry_type), "active": n.active} for n in nodes]
    print_table(rows, [("path", "#"), ("topic", _("Topic")), ("code", _("Code")), ("type", _("Inquiry type")),
                       ("active", _("Active"))])


@app.command("find")
def find(ctx: typer.Context, path: str, as_json: bool = JSON_OPTION) -> None:
    """The topic with numeric code PATH, e.g. 3.1.1."""
    node = env_of(ctx).call(topics.find_by_path, short_path=path)
    print_json(node.__dict__) if as_json else out.print(f"{node.short_path} {node.code} {node.label}", markup=False)


@app.command("form")
def form(ctx: typer.Context, topic: str,
         attrs: list[str] = typer.Option([], "--attr", help="CODE=VALUE sample value (repeatable)."),
         customer: int = typer.Option(None, "--customer", help="Customer id for query lists."),
         as_json: bool = JSON_OPTION) -> None:
    """The effective attribute form of TOPIC: inherited attributes, resolved flags, and the check of
    sample values (exit 1 when they would not save)."""
    shown = env_of(ctx).call(attribute_checks.preview, topic=topic,
                             raw=attribute_checks.sample_values(attrs, "--attr"), customer_id=customer)
    checked = shown.checked
    rows = shown.fields()
    if as_json:
        print_json(shown.document())
    else:
        print_table(rows, [("group", _("Group")), ("code", _("Code")), ("label", _("Name")), ("type", _("Type")),
                           ("from", _("Defined on")), ("value", _("Value")), ("mandatory", _("Mandatory")),
                           ("hidden", _("Hidden")), ("error", _("Problem"))], title=shown.form.topic)
    checked.raise_first()


@app.command("templates")
def templates(ctx: typer.Context, login: str, as_json: bool = JSON_OPTION) -> None:
    """Contact templates of user LOGIN (direct and through user groups)."""
    found = env_of(ctx).call(topics.templates_for, login=login)
    if as_json:
        print_json([t.values for t in found])
        return
    print_table([{"n": t.short_code, "code": t.code, "name": t.label} for t in found],
                [("n", "#"), ("code", _("Code")), ("name", _("Name"))])


@rule_app.command("check")
def check(expression: str) -> None:
    """Check a CEL rule's syntax and variables (attribute codes are checked when config is saved)."""
    found = rules.problems(rules.normalise(expression))
    if found:
        raise ValidationError(None, "; ".join(str(p) for p in found))
    out.print(_("OK"), markup=False)
