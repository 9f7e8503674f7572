"""Quality of service (issue 27, item 5): per service contract (services/service), what was agreed (response
and resolution targets) against what happened to the covered customers' inquiries of the covered topics
registered while the contract was in force — average time to the first take and to closing, breaches of the
inquiries' own deadlines (which the contract's targets set, services/sla/sla) and the credits owed where the
contract defines a credit per breach.

The covered customers and topics are resolved first (a structure node's subtree, a topic's subtree); each
contract's figures are then one aggregate query in the database (`crmterm report qos`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time

from sqlalchemy import ColumnElement, and_, case, func, or_
from sqlalchemy import select as select_rows  # aggregate rows (sqlmodel.select types them as bare tuples)
from sqlmodel import Session, col, select

from crmterm.errors import NotFound
from crmterm.i18n import N_, _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.customers import structures
from crmterm.services.reports.report_table import Cell, Column, ColumnKind, ReportTable, Total
from crmterm.services.reports.reports_drill import DrillRow, drill_rows
from crmterm.services.reports.reports_sql import hours_between, in_hours
from crmterm.services.routing.filter_sql import topic_subtree
from crmterm.store import NO_DEADLINE, Inquiry, InquiryEvent, ServiceAsset, ServiceContract, Structure, utcnow
from crmterm.workflow.engine import OPEN, State

TITLE = N_("Quality of service by contract")
BREACHES_LIMIT = 500  # the breaches of one contract a screen lists at most


def _moment(day: date | None) -> datetime | None:
    return datetime.combine(day, time(), tzinfo=UTC) if day else None


def _parties(session: Session, actor: Actor, contract: ServiceContract) -> list[int]:
    if contract.asset_id is not None:
        owner = session.exec(select(ServiceAsset.party_id).where(ServiceAsset.id == contract.asset_id)).first()
        return [owner] if owner else []
    if contract.party_id is None:
        return []
    if contract.structure_id is None:
        return [contract.party_id]
    code = session.exec(select(Structure.code).where(Structure.id == contract.structure_id)).one()
    nodes = structures.subtree(session=session, actor=actor, structure=code, party_id=contract.party_id,
                               limit=100_000)
    return sorted({contract.party_id, *(node.party_id for node in nodes)})


def _topics(session: Session, contract: ServiceContract) -> list[int] | None:
    """The covered topics' ids with their subtrees; None: every topic."""
    if not contract.topics:
        return None
    return sorted({topic for code in contract.topics for topic in topic_subtree(session, code)})


def _first_taken():
    return (select_rows(func.min(InquiryEvent.at)).where(col(InquiryEvent.inquiry_id) == Inquiry.id,
                                                          col(InquiryEvent.kind) == "taken").scalar_subquery())


def _lateness(first_taken, now: datetime) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Taken after the reaction deadline (or still waiting past it); closed after the deadline (or still open
    past it)."""
    closed, still_open = col(Inquiry.state) == State.CLOSED, col(Inquiry.state).in_(sorted(OPEN))
    react_late = and_(col(Inquiry.react_due_at).is_not(None), or_(
        first_taken > Inquiry.react_due_at, and_(first_taken.is_(None), still_open, col(Inquiry.react_due_at) < now)))
    has_deadline = col(Inquiry.due_at) < NO_DEADLINE
    resolve_late = and_(has_deadline, or_(and_(closed, col(Inquiry.closed_at) > Inquiry.due_at),
                                          and_(still_open, col(Inquiry.due_at) < now)))
    return react_late, resolve_late


def _figures(session: Session, conditions: list[ColumnElement[bool]], now: datetime):
    first_taken = _first_taken()
    closed = col(Inquiry.state) == State.CLOSED
    react_late, resolve_late = _lateness(first_taken, now)
    query = select_rows(func.count(), func.avg(hours_between(Inquiry.created_at, first_taken)),
                   func.avg(case((closed, hours_between(Inquiry.created_at, Inquiry.closed_at)))),
                   func.sum(case((react_late, 1), else_=0)), func.sum(case((resolve_late, 1), else_=0))
                   ).select_from(Inquiry).where(*conditions)
    return session.execute(query).one()


def _covered(session: Session, actor: Actor, contract: ServiceContract, start: datetime | None,
             end: datetime | None) -> list[ColumnElement[bool]]:
    """The contract's inquiries: its customers', on its topics, registered while it was in force (and in
    the period), not cancelled."""
    parties, topics = _parties(session, actor, contract), _topics(session, contract)
    begins = max(m for m in (_moment(contract.valid_from), start) if m is not None)
    ends = min((m for m in (_moment(contract.valid_to), end) if m is not None), default=None)
    conditions: list[ColumnElement[bool]] = [col(Inquiry.party_id).in_(parties), col(Inquiry.created_at) >= begins,
                                             col(Inquiry.state) != State.CANCELLED]
    if ends is not None:
        conditions.append(col(Inquiry.created_at) < ends)
    if topics is not None:
        conditions.append(col(Inquiry.topic_id).in_(topics))
    return conditions


def _row(session: Session, actor: Actor, contract: ServiceContract, start: datetime | None, end: datetime | None,
         now: datetime) -> list[Cell]:
    conditions = _covered(session, actor, contract, start, end)
    count, response, resolution, react_late, resolve_late = _figures(session, conditions, now)
    breaches = int(react_late or 0) + int(resolve_late or 0)
    credit = contract.credit_per_breach
    owed = float(credit * breaches) if credit is not None else None
    return [contract.code, contract.name, int(count or 0), _hours(contract.response_minutes), in_hours(response),
            int(react_late or 0), _hours(contract.resolution_minutes), in_hours(resolution), int(resolve_late or 0),
            float(credit) if credit is not None else None, owed]


def _hours(minutes: int | None) -> float | None:
    return minutes / 60 if minutes else None


def columns() -> list[Column]:
    return [Column("contract", _("Contract"), ColumnKind.TEXT, Total.LABEL), Column("name", _("Name")),
            Column("inquiries", _("Inquiries"), ColumnKind.INT, Total.SUM),
            Column("response_agreed", _("Response agreed"), ColumnKind.HOURS),
            Column("response_actual", _("Response, average"), ColumnKind.HOURS),
            Column("response_breaches", _("Response breaches"), ColumnKind.INT, Total.SUM),
            Column("resolution_agreed", _("Resolution agreed"), ColumnKind.HOURS),
            Column("resolution_actual", _("Resolution, average"), ColumnKind.HOURS),
            Column("resolution_breaches", _("Resolution breaches"), ColumnKind.INT, Total.SUM),
            Column("credit_per_breach", _("Credit per breach"), ColumnKind.FLOAT),
            Column("credits_owed", _("Credits owed"), ColumnKind.FLOAT, Total.SUM)]


def qos_report(*, session: Session, actor: Actor, contract: str | None = None, start: datetime | None = None,
               end: datetime | None = None, progress: Callable[[int, int, str], None] | None = None) -> ReportTable:
    """One row per contract (or the one named), over the inquiries registered from `start` before `end`."""
    require(actor, Permission.REPORTS_READ)
    query = select(ServiceContract).order_by(ServiceContract.code)
    if contract is not None:
        query = query.where(ServiceContract.code == contract)
    found = list(session.exec(query))
    if contract is not None and not found:
        raise NotFound(_("service contract"), contract)
    now = utcnow()
    rows = []
    for number, row in enumerate(found, start=1):
        if progress:
            progress(number, len(found), row.code)
        rows.append(_row(session, actor, row, start, end, now))
    params = {_("Period"): f"{start.date() if start else '…'} – {end.date() if end else '…'}"}
    if contract:
        params[_("Contract")] = contract
    return ReportTable(name="qos", title=_(TITLE), params=params, columns=columns(), rows=rows)


def qos_breaches(*, session: Session, actor: Actor, contract: str, start: datetime | None = None,
                 end: datetime | None = None, limit: int = BREACHES_LIMIT) -> list[DrillRow]:
    """The contract's inquiries the report counts as breached (response or resolution), oldest first."""
    require(actor, Permission.REPORTS_READ)
    found = session.exec(select(ServiceContract).where(ServiceContract.code == contract)).first()
    if found is None:
        raise NotFound(_("service contract"), contract)
    react_late, resolve_late = _lateness(_first_taken(), utcnow())
    ids = session.execute(select_rows(col(Inquiry.id)).where(*_covered(session, actor, found, start, end),
                                                             or_(react_late, resolve_late))
                          .order_by(col(Inquiry.created_at), col(Inquiry.id)).limit(limit)).scalars().all()
    return drill_rows(session, list(ids))
