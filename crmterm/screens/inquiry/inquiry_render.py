"""How the inquiry screen draws an inquiry: the header (state, route step, queue, assignee, priority, deadline,
customer), the attribute values the step shows, the event timeline and the files. All rich Text built from
data as literal text: nothing a customer or an agent typed is read as markup."""

from __future__ import annotations

from datetime import datetime

from rich.table import Table
from rich.text import Text

from crmterm.i18n import _, fmt_datetime
from crmterm.services.inquiries.inquiries import EventRead, InquiryRead
from crmterm.services.inquiries.inquiry_log import EVENT_LABELS, OPEN_STATES, state_label
from crmterm.text import visible
from crmterm.widgets.safe_text import plain


def event_label(kind: str) -> str:
    return _(EVENT_LABELS.get(kind) or kind)


def is_overdue(found: InquiryRead, now: datetime) -> bool:
    return found.due_at is not None and found.state in OPEN_STATES and found.due_at < now


def title(found: InquiryRead) -> Text:
    return Text.assemble((f"#{found.id} ", "bold"), (visible(found.topic_label), "bold"),
                         f" · {_(found.type)} · ", (state_label(found.state), "bold"))


def header(found: InquiryRead, now: datetime) -> Table:
    """Two label/value pairs a row; the deadline in red with a mark when it has passed."""
    grid = Table.grid(padding=(0, 1), expand=True)
    for style, ratio in (("bold", None), (None, 1), ("bold", None), (None, 1)):
        grid.add_column(style=style, no_wrap=style is not None, ratio=ratio)
    nobody = plain(_("nobody"), style="dim")
    step = plain(" · ".join(p for p in (found.route_label or found.route, found.step_label) if p) or _("no route"))
    deadline = plain(fmt_datetime(found.due_at) if found.due_at else _("none"))
    if is_overdue(found, now):
        deadline.stylize("bold red")
        deadline.append("  " + _("⚠ overdue"), style="bold red")
    customer = plain(f"#{found.customer_id} {found.customer}" if found.customer_id else _("Anonymous caller"))
    contact = found.contact
    grid.add_row(_("State"), plain(state_label(found.state)), _("Priority"),
                 plain(found.priority_label or found.priority or "—"))
    grid.add_row(_("Route · step"), step, _("Deadline"), deadline)
    grid.add_row(_("Queue"), plain(found.queue_label or found.queue) if found.queue else nobody,
                 _("Assignee"), plain(found.assignee) if found.assignee else nobody)
    grid.add_row(_("Customer"), customer, _("Contact"),
                 plain(" · ".join(p for p in (fmt_datetime(contact.at), contact.channel_label or contact.channel
                                             or "", contact.operator or "") if p)))
    if contact.text or found.text:
        grid.add_row(_("Note"), plain(" / ".join(t for t in (contact.text, found.text) if t)), "", "")
    if found.resolution or found.closed_at:
        grid.add_row(_("Resolution"), plain(found.resolution), _("Closed"), plain(fmt_datetime(found.closed_at)))
    if found.parent_id:
        grid.add_row(_("Parent inquiry"), plain(f"#{found.parent_id}"), "", "")
    return grid


def values(found: InquiryRead, shown: list[str] | None) -> Table | Text:
    """The attribute values the current step shows (`shown` None: all), read-only."""
    rows = [v for v in found.values if shown is None or "*" in shown or v.code in shown]
    if not rows:
        return plain(_("No attribute values"), style="dim")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    for value in rows:
        grid.add_row(plain(value.label), plain(value.shown))
    return grid


def timeline(found: InquiryRead) -> Table | Text:
    if not found.events:
        return plain(_("No events"), style="dim")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    labels = {v.code: v.label for v in found.values}
    for event in found.events:
        line = Text.assemble((visible(event.actor), "bold"), ": ",
                             (event_label(event.kind), "bold cyan" if event.kind == "commented" else ""))
        detail = event_detail(event, labels)
        if detail:
            line.append(" " + visible(detail))
        grid.add_row(plain(fmt_datetime(event.at)), line)
    return grid


def event_detail(event: EventRead, labels: dict[str, str] | None = None) -> str:
    """What the event says beyond its kind: the step moved between, the values changed, the new owner…"""
    data, parts = event.data or {}, []
    named = {key: event.labels.get(key) or str(value) for key, value in data.items()}  # names, not codes
    if event.kind == "values_changed":
        parts += [f"{(labels or {}).get(code, code)}: {before or '∅'} → {after or '∅'}"
                  for code, (before, after) in data.items()]
    elif "from" in data and "to" in data and event.kind != "deadline_changed":
        parts.append(f"{named['from']} → {named['to']}")
    elif event.kind == "deadline_changed" and data.get("to"):
        parts.append("→ " + fmt_datetime(datetime.fromisoformat(data["to"])))
    elif event.kind in ("assigned", "transferred", "priority_changed") and data.get("to"):
        parts.append(f"→ {named['to']}")
    elif event.kind in ("routed", "unrouted"):
        parts.append(" · ".join(named[k] for k in ("route", "step", "queue") if data.get(k)))
    elif event.kind == "notified" and data.get("mailing_list"):
        parts.append(str(data["mailing_list"]))
    elif event.kind == "script" and event.labels.get("steps"):
        return f"{event.text} — {event.labels['steps']}" if event.text else event.labels["steps"]
    elif event.kind == "child_created" and data.get("child"):
        parts.append(f"#{data['child']}")
    elif event.kind in ("sla_warning", "sla_breach") and data.get("due"):
        clock = _("reaction") if data.get("clock") == "react" else _("resolution")
        parts.append(f"{clock} → {fmt_datetime(datetime.fromisoformat(data['due']))}")
        parts += [", ".join(data.get("rules") or [])] if data.get("rules") else []
    if event.text and event.text not in parts and event.text != _coded_move(data):
        parts.append(f"«{event.text}»" if parts else event.text)
    return " ".join(parts)


def _coded_move(data: dict) -> str:
    """The text a move without a comment is logged with (step codes): the named steps already say it."""
    return f"{data['from']} → {data['to']}" if "from" in data and "to" in data else ""


def files(found: InquiryRead) -> Text:
    if not found.attachments:
        return plain(_("No files"), style="dim")
    text = Text()
    for attachment in found.attachments:
        text.append(visible(f"📎 {attachment.name}"), style="bold")
        text.append(visible(f"  {attachment.mime} · {attachment.size} B · {attachment.sha256[:12]} · "
                    f"{attachment.created_by} {fmt_datetime(attachment.created_at)}\n"), style="dim")
    text.rstrip()
    return text


def child_line(child) -> Text:
    return plain(f"#{child.id} {child.topic_label} · {state_label(child.state)}")
