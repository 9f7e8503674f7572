"""The demo data set: configuration of a believable telecom operator plus demo logins."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from crmterm.locations import resource_dir
from crmterm.services.accounts.auth import hash_password
from crmterm.services.accounts.permissions import Actor
from crmterm.services.billing import billing_demo
from crmterm.services.collections import collections_demo
from crmterm.services.customers import payment_demo
from crmterm.services.directory import config_io, yaml_lines
from crmterm.services.directory.config_io import ImportResult
from crmterm.services.knowledge import kb_import
from crmterm.services.platform import demo_customers, demo_filters, demo_reports, demo_work
from crmterm.services.portal import demo as portal_demo
from crmterm.services.retention import churn_demo
from crmterm.services.sales import activity_demo, sales_demo
from crmterm.services.service import service_demo
from crmterm.store import AgentSkill, User
from crmterm.store import passwords as stored
from crmterm.store.tables import saved_id

DEMO_FILE = "demo.yaml"
DEMO_FILES = (DEMO_FILE, "demo_topics.yaml", "demo_sla.yaml", "demo_routes.yaml",  # each refers to those before
              "demo_escalations.yaml", "demo_scripts.yaml", "demo_responses.yaml", "demo_mail.yaml",
              "demo_sales.yaml",
              "demo_collections.yaml",  # collections (issue 28): after the billing topics, queues and calendars
              "demo_workorders.yaml")
PASSWORDS_KEY = "demo_passwords"
SKILLS_KEY = "demo_agent_skills"


@dataclass
class SeedResult:
    config: ImportResult
    logins: dict[str, str]  # login -> demo password


def demo_logins() -> dict[str, str]:
    document = yaml_lines.load(resource_dir("seed") / DEMO_FILE)
    return dict(document.get(PASSWORDS_KEY) or {})


def seed_demo(*, session: Session, actor: Actor) -> SeedResult:
    """Idempotent: a second run changes nothing; demo passwords are set only where a user has none."""
    result, passwords = ImportResult(), dict[str, Any]()  # YAML values: str() makes the password
    skills: dict[str, dict[str, int]] = {}
    for name in DEMO_FILES:
        path = resource_dir("seed") / name
        document = yaml_lines.load(path)
        passwords.update(document.pop(PASSWORDS_KEY, None) or {})
        skills.update(document.pop(SKILLS_KEY, None) or {})
        result.add(config_io.import_document(session=session, actor=actor, document=document, file=str(path),
                                             source="seed"))
    session.flush()
    for user in session.exec(select(User).where(col(User.login).in_(passwords), stored.without_password())):
        stored.store(session, saved_id(user), hash_password(str(passwords[user.login])))
    _give_demo_skills(session, skills)
    demo_customers.seed_demo_customers(session=session, actor=actor)
    billing_demo.seed_demo_billing(session=session, actor=actor)  # after the customers: their accounts
    billing_demo.seed_demo_blacklist(session=session, actor=actor)
    collections_demo.seed_demo_collections(session=session, actor=actor)  # the demo billing's invoices
    payment_demo.seed_demo_distribution(session=session, actor=actor)  # over the demo billing's open invoices
    service_demo.seed_demo_service(session=session, actor=actor)  # after the customers: their equipment
    demo_work.seed_demo_work(session, actor)
    demo_filters.seed_demo_filters(session)
    demo_reports.seed_demo_reports(session)
    portal_demo.seed_portal_demo(session=session, actor=actor)  # after the topics it offers
    sales_demo.seed_demo_sales(session=session, actor=actor)  # after the customers and the sellers
    activity_demo.seed_demo_activities(session=session, actor=actor)  # on the demo pipeline
    churn_demo.seed_demo_scores(session=session, actor=actor)  # after the customers' inquiries
    kb_import.import_dir(session=session, actor=actor, directory=resource_dir("seed") / "kb", source="seed")
    return SeedResult(config=result, logins=passwords)


def _give_demo_skills(session: Session, skills: dict[str, dict[str, int]]) -> None:
    """Each demo user's skills, to users who have no skills yet (an admin's later changes stay)."""
    users = session.exec(select(User).where(col(User.login).in_(skills))).all()
    skilled = set(session.exec(select(AgentSkill.user_id)).all())
    session.add_all(AgentSkill(user_id=saved_id(user), skill=code, level=level) for user in users
                    if saved_id(user) not in skilled for code, level in skills[user.login].items())
