"""CSAT by inquiry, agent (who closed it), topic or queue, and NPS per customer — ReportTables, so
`crmterm report csat|nps` writes them in every export format. Answers are counted by when they were given;
the portal's ratings count as CSAT answers (a survey answer of the same inquiry wins)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from crmterm.errors import ValidationError
from crmterm.i18n import _, fmt_datetime, pick
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.reports.report_table import Cell, Column, ColumnKind, ReportTable, Total
from crmterm.store import Inquiry, InquiryEvent, InquiryRating, Party, Queue, SurveyAnswer, Topic

GROUPS = ("agent", "topic", "queue", "inquiry")


@dataclass
class _Answer:
    inquiry_id: int
    score: int
    agent: str | None
    topic: str
    queue: str | None


def _answers(session: Session, start: datetime, end: datetime) -> list[_Answer]:
    given = dict(session.exec(select(SurveyAnswer.inquiry_id, SurveyAnswer.score).where(
        col(SurveyAnswer.answered_at) >= start, col(SurveyAnswer.answered_at) < end)).all())
    rated = session.exec(select(InquiryRating.inquiry_id, InquiryRating.score).where(
        col(InquiryRating.rated_at) >= start, col(InquiryRating.rated_at) < end,
        col(InquiryRating.inquiry_id).not_in(select(SurveyAnswer.inquiry_id)))).all()
    scores = dict(rated) | given
    closer = (sa_select(col(InquiryEvent.actor)).where(col(InquiryEvent.inquiry_id) == Inquiry.id,
                                                       col(InquiryEvent.kind) == "closed")
              .order_by(col(InquiryEvent.id).desc()).limit(1).scalar_subquery())
    rows = session.execute(
        sa_select(col(Inquiry.id), closer, col(Topic.code), col(Topic.labels), col(Queue.code))
        .join(Topic, col(Topic.id) == Inquiry.topic_id).join(Queue, col(Queue.id) == Inquiry.queue_id, isouter=True)
        .where(col(Inquiry.id).in_(list(scores)))).all()
    return [_Answer(inquiry_id=i, score=scores[i], agent=agent, topic=pick(labels, code), queue=queue)
            for i, agent, code, labels, queue in rows]


def csat_report(*, session: Session, actor: Actor, start: datetime, end: datetime, by: str = "agent") -> ReportTable:
    """Per group: answers, the average score and CSAT — the share of answers scoring 4 or 5."""
    require(actor, Permission.REPORTS_READ)
    if by not in GROUPS:
        raise ValidationError("by", _("one of: {choices}").format(choices=", ".join(GROUPS)))
    groups: dict[str, list[int]] = defaultdict(list)
    for answer in _answers(session, start, end):
        key = {"agent": answer.agent, "topic": answer.topic, "queue": answer.queue,
               "inquiry": f"#{answer.inquiry_id}"}[by]
        groups[key or "—"].append(answer.score)
    rows: list[list[Cell]] = [_csat_row(key, scores) for key, scores in sorted(groups.items())]
    everything = [s for scores in groups.values() for s in scores]
    labels = {"agent": _("Agent"), "topic": _("Topic"), "queue": _("Queue"), "inquiry": _("Inquiry")}
    columns = [Column("group", labels[by], total=Total.LABEL),
               Column("answers", _("Answers"), ColumnKind.INT, Total.SUM),
               Column("average", _("Average score"), ColumnKind.FLOAT), Column("csat", _("CSAT"), ColumnKind.PERCENT)]
    return ReportTable(name="csat", title=_("Customer satisfaction (CSAT)"), params=_period(start, end),
                       columns=columns, rows=rows, totals=_csat_row(_("Total"), everything))


def _csat_row(label: str, scores: list[int]) -> list[Cell]:
    if not scores:
        return [label, 0, None, None]
    return [label, len(scores), round(sum(scores) / len(scores), 2), sum(1 for s in scores if s >= 4) / len(scores)]


def _period(start: datetime, end: datetime) -> dict[str, str]:
    return {_("Period"): f"{fmt_datetime(start)} — {fmt_datetime(end)}"}


def nps_report(*, session: Session, actor: Actor, start: datetime, end: datetime) -> ReportTable:
    """Per customer who answered: their latest 0–10 answer and whether that makes them a promoter (9–10),
    passive (7–8) or detractor (0–6); the total line is the NPS — promoters' share minus detractors'."""
    require(actor, Permission.REPORTS_READ)
    latest: dict[int, int] = {}
    for party_id, nps in session.exec(select(SurveyAnswer.party_id, SurveyAnswer.nps).where(
            col(SurveyAnswer.nps).is_not(None), col(SurveyAnswer.party_id).is_not(None),
            col(SurveyAnswer.answered_at) >= start, col(SurveyAnswer.answered_at) < end)
            .order_by(col(SurveyAnswer.answered_at))):
        if party_id is not None and nps is not None:
            latest[party_id] = nps
    names = dict(session.exec(select(Party.id, Party.display_name).where(col(Party.id).in_(list(latest)))).all())
    rows: list[list[Cell]] = [[names.get(p, f"#{p}"), score, _kind(score)]
                              for p, score in sorted(latest.items(), key=lambda item: names.get(item[0], ""))]
    promoters = sum(1 for s in latest.values() if s >= 9)
    detractors = sum(1 for s in latest.values() if s <= 6)
    nps = round(100 * (promoters - detractors) / len(latest)) if latest else None
    columns = [Column("customer", _("Customer"), total=Total.LABEL), Column("nps", _("Answer (0–10)"), ColumnKind.INT),
               Column("kind", _("Promoter / detractor"))]
    params = _period(start, end) | {_("NPS"): "—" if nps is None else str(nps),
                                    _("Customers"): str(len(latest))}
    return ReportTable(name="nps", title=_("Net promoter score (NPS) by customer"), params=params, columns=columns,
                       rows=rows, totals=[_("NPS"), nps, None])


def _kind(score: int) -> str:
    return _("promoter") if score >= 9 else _("passive") if score >= 7 else _("detractor")
