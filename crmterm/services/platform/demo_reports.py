"""The demo's saved report (the report builder): the supervisor's "Weekly by queue", shared, so a fresh
`crmterm` shows one on the Reports tab's builder (F8) and `crmterm report run "Weekly by queue" …` works."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from crmterm.services.reports.report_builder import ReportSpec
from crmterm.store import ReportDefinition, User

OWNER = "supervisor"  # data/seed/demo.yaml's supervisor
NAME = "Weekly by queue"
SPEC = ReportSpec(groups=["queue", "week"], measures=["count", "overdue", "p90_close", "first_contact"])


def seed_demo_reports(session: Session) -> int:
    """Once: not again when it exists (an edit stays) nor without the demo supervisor."""
    owner = session.execute(select(col(User.id)).where(col(User.login) == OWNER)).scalar()
    if owner is None or session.execute(select(col(ReportDefinition.id)).where(
            col(ReportDefinition.user_id) == owner, col(ReportDefinition.name) == NAME)).first() is not None:
        return 0
    session.add(ReportDefinition(user_id=owner, name=NAME, shared=True, spec=SPEC.model_dump(), updated_by="seed"))
    return 1
