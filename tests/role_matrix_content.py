"""The role matrix's declared table, part 3: content and security — the knowledge base, branching scripts
(authoring and running), backups, customer erasure and report exports. See role_matrix_calls.py for what an
entry is.

Demo facts the builders rely on: the seed's knowledge base (data/seed/kb/) holds approved articles such as
`disputed-charge` (topics disputed_charge, refund); data/seed/demo_scripts.yaml publishes the scripts
`no_data`, `retention` and `roaming`. Scripts a call changes are made by the builder as the admin first."""

from __future__ import annotations

from pathlib import Path

from role_matrix_calls import Entry, Rule, World, new_party, period
from role_matrix_work import waiting
from sqlmodel import Session

from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.accounts.permissions import Permission as P
from crmterm.services.customers import erasure
from crmterm.services.directory import yaml_lines
from crmterm.services.knowledge import (
    kb,
    kb_export,
    kb_import,
    kb_search,
    kb_usage,
    responses,
    script_admin,
    script_runs,
    scripts,
)
from crmterm.services.knowledge.kb import ArticleDraft
from crmterm.services.platform import backups
from crmterm.services.portal import demo as portal_demo
from crmterm.services.portal import offers, ratings
from crmterm.services.reports import exports, reports
from crmterm.store import backup as store_backup

# Reading the knowledge base (services/knowledge/kb.require_reader): directory.read or inquiries.read — everyone.
KB_READER = Rule("directory.read or inquiries.read (approved articles; the others need kb.edit)", frozenset(Role),
                 writes=False)
# Opening an article or marking it helpful only counts its use (usage_score ranks search hits): every reader
# may, auditors too (tests/test_role_matrix.py: AUDITOR_USAGE; docs/permissions.md says so).
KB_USAGE = Rule("kb reader: counts a use of an approved article (opened, helpful)", frozenset(Role))

ARTICLE = "disputed-charge"  # approved, internal, topics disputed_charge and refund
SCRIPT = "roaming"  # published by the demo seed


def tiny_script(code: str = "matrix_hello") -> dict:
    """The smallest script: one statement to read, then the end (no captures, no decisions)."""
    return {"code": code, "name": {"en": "Matrix hello", "ru": "Привет"}, "nodes": [
        {"id": "hello", "type": "statement", "text": {"en": "Say hello.", "ru": "Поздоровайтесь."},
         "next": "done"},
        {"id": "done", "type": "end", "outcome": "greeted", "text": {"en": "Done.", "ru": "Готово."}}]}


def _draft(session: Session, world: World, code: str = "matrix_hello") -> int:
    return script_admin.save_draft(session=session, actor=world.admin, raw=tiny_script(code)).id


def _saved_run(session: Session, world: World) -> int:
    inquiry = waiting(session, world)
    script_runs.save_run(session=session, actor=world.admin, inquiry_id=inquiry, script_id=_draft(session, world),
                         choices=["read"])
    return inquiry


def _script_file(world: World) -> Path:
    path = world.tmp / "matrix-script.yaml"
    path.write_text(yaml_lines.dump({"crmterm_config": 1, "scripts": [tiny_script("matrix_file")]}),
                    encoding="utf-8")
    return path


def _kb_dir(world: World) -> Path:
    folder = world.tmp / "kb-import"
    folder.mkdir(exist_ok=True)
    (folder / "matrix.en.md").write_text("---\nslug: matrix-import\nlang: en\ntitle: Matrix import\n"
                                         "topics: [refund]\nstatus: draft\n---\nImported body.\n", encoding="utf-8")
    return folder


def _attached(session: Session, world: World) -> int:
    inquiry = waiting(session, world)
    kb_usage.attach(session=session, actor=world.admin, inquiry_id=inquiry, key=ARTICLE)
    return inquiry


def on_sqlite(world: World) -> bool:
    """Backups are SQLite's: on PostgreSQL the service refuses (pg_dump / pg_restore, README) after its check."""
    return world.url.startswith("sqlite")


def _scratch(world: World) -> str:
    """A private copy of the SQLite world that backups and restores work on (they commit and replace files);
    on PostgreSQL the world itself, which the service refuses before touching anything."""
    if not on_sqlite(world):
        return world.url
    path = world.tmp / "scratch.db"
    store_backup.backup(world.url, path, overwrite=True)
    return f"sqlite:///{path}"


def _backup(session: Session, world: World, actor: Actor | None) -> dict:
    return {"url": _scratch(world), "target": world.tmp / "matrix-backup.db", "overwrite": True}


def _restore(session: Session, world: World, actor: Actor | None) -> dict:
    url, file = _scratch(world), world.tmp / "matrix-restore.db"
    if on_sqlite(world):
        store_backup.backup(url, file, overwrite=True)
    return {"url": url, "file": file}


def _report(session: Session, world: World, actor: Actor | None) -> dict:
    table = reports.run(session=session, actor=world.admin, name="topics", params=period())
    return {"table": table, "fmt": "csv", "out": world.tmp / "report.csv"}


KB_ENTRIES = [
    Entry(kb.get_article, KB_READER, lambda s, w, a: {"key": ARTICLE}),
    Entry(kb.save_article, P.KB_EDIT, lambda s, w, a: {"draft": ArticleDraft(
        slug="matrix-article", title="Matrix article", body="Body.", keywords=["matrix"], topics=["refund"])}),
    Entry(kb.set_status, P.KB_APPROVE, lambda s, w, a: {"key": ARTICLE, "status": "retired"}),  # draft/review: kb.edit
    Entry(kb_export.export_public, P.KB_APPROVE, lambda s, w, a: {"directory": w.tmp / "kb-site"}),
    Entry(kb_import.import_dir, P.KB_EDIT, lambda s, w, a: {"directory": _kb_dir(w)}),  # approved ones: kb.approve
    Entry(kb_search.search, KB_READER, lambda s, w, a: {"query": "roaming"}),
    Entry(kb_search.suggest, KB_READER, lambda s, w, a: {"topic": "disputed_charge"}),
    Entry(kb_usage.attach, P.INQUIRIES_WRITE, lambda s, w, a: {"inquiry_id": waiting(s, w), "key": ARTICLE}),
    Entry(kb_usage.attached_to, KB_READER, lambda s, w, a: {"inquiry_id": _attached(s, w)}),
    Entry(kb_usage.open_article, KB_USAGE, lambda s, w, a: {"key": ARTICLE}),
    Entry(kb_usage.mark_helpful, KB_USAGE, lambda s, w, a: {"key": ARTICLE}),
]

SCRIPT_ENTRIES = [
    # reading and running (running one is inquiries.write)
    Entry(scripts.check, P.DIRECTORY_READ, lambda s, w, a: {"raw": tiny_script()}),
    Entry(scripts.list_scripts, P.DIRECTORY_READ),
    Entry(scripts.get, P.DIRECTORY_READ, lambda s, w, a: {"code": SCRIPT}),
    Entry(scripts.for_topic, P.INQUIRIES_READ, lambda s, w, a: {"topic": "roaming_activation"}),
    Entry(scripts.run_spec, P.INQUIRIES_READ,
          lambda s, w, a: {"script": scripts.get(session=s, actor=w.admin, code=SCRIPT)}),
    Entry(scripts.prepare_run, P.INQUIRIES_READ, lambda s, w, a: {"code": SCRIPT, "inquiry_id": waiting(s, w)}),
    Entry(script_runs.save_run, P.INQUIRIES_WRITE, lambda s, w, a: {
        "inquiry_id": waiting(s, w), "script_id": _draft(s, w), "choices": ["read"]}),
    Entry(script_runs.runs_of, P.INQUIRIES_READ, lambda s, w, a: {"inquiry_id": _saved_run(s, w)}),
    # authoring (admins); exports are config.export, like the configuration they belong to
    Entry(script_admin.save_draft, P.SCRIPTS_ADMIN, lambda s, w, a: {"raw": tiny_script()}),
    Entry(script_admin.publish, P.SCRIPTS_ADMIN, lambda s, w, a: (_draft(s, w), {"code": "matrix_hello"})[1]),
    Entry(script_admin.delete_draft, P.SCRIPTS_ADMIN, lambda s, w, a: (_draft(s, w), {"code": "matrix_hello"})[1]),
    Entry(script_admin.create, P.SCRIPTS_ADMIN, lambda s, w, a: {"code": "matrix_new", "name": "New"}),
    Entry(script_admin.import_script, P.SCRIPTS_ADMIN, lambda s, w, a: {"raw": tiny_script("matrix_import")}),
    Entry(script_admin.import_file, P.SCRIPTS_ADMIN, lambda s, w, a: {"path": _script_file(w)}),
    Entry(script_admin.export_documents, P.CONFIG_EXPORT, lambda s, w, a: {"code": SCRIPT}),
    Entry(script_admin.export_file, P.CONFIG_EXPORT, lambda s, w, a: {"code": SCRIPT, "path": w.tmp / "s.yaml"}),
    Entry(script_admin.summaries, P.SCRIPTS_ADMIN),
    Entry(script_admin.latest, P.SCRIPTS_ADMIN, lambda s, w, a: {"code": SCRIPT}),
    Entry(script_admin.preview_run, P.SCRIPTS_ADMIN, lambda s, w, a: {"raw": tiny_script()}),
]

SECURITY_ENTRIES = [
    Entry(backups.backup, P.DATABASE_ADMIN, _backup, succeeds=on_sqlite, own_transaction=True),
    Entry(backups.restore, P.DATABASE_ADMIN, _restore, succeeds=on_sqlite, own_transaction=True),
    Entry(backups.upgrade, P.DATABASE_ADMIN, lambda s, w, a: {"url": w.url}, own_transaction=True),
    Entry(erasure.erase_customer, P.CUSTOMERS_ERASE, lambda s, w, a: {"party_id": new_party(s, w)}),
    Entry(exports.export_report, P.REPORTS_READ, _report),
]

# The response library (data/seed/demo_responses.yaml): admins manage it (directory.write, like every directory
# area), everyone reads it, inserting one counts a use (inquiries.write).
_RESPONSE = {"code": "matrix_bye", "labels": {"en": "Bye"}, "body": "Bye, {{ customer }}."}
RESPONSE_ENTRIES = [
    Entry(responses.list_responses, P.DIRECTORY_READ, lambda s, w, a: {"search": "greeting", "topic": "refund"}),
    Entry(responses.get_response, P.DIRECTORY_READ, lambda s, w, a: {"code": "greeting_en"}),
    Entry(responses.create_response, P.DIRECTORY_WRITE, lambda s, w, a: {"values": _RESPONSE}),
    Entry(responses.update_response, P.DIRECTORY_WRITE, lambda s, w, a: {
        "code": "greeting_en", "values": {"body": "Hi {{ customer }}."}, "expected_version": None}),
    Entry(responses.delete_response, P.DIRECTORY_WRITE, lambda s, w, a: {"code": "greeting_ru"}),
    Entry(responses.preview, P.INQUIRIES_READ, lambda s, w, a: {"code": "registered_en", "inquiry_id": waiting(s, w)}),
    Entry(responses.insert, P.INQUIRIES_WRITE, lambda s, w, a: {"code": "greeting_en", "customer_id": w.party}),
    Entry(responses.render_response, P.INQUIRIES_WRITE, lambda s, w, a: {
        "response_code": "registered_ru", "inquiry_id": waiting(s, w)}),
]

# The customer portal (services/portal): admins say what it offers (directory.write), reports read ratings;
# customers themselves are no role (their calls take a PortalCustomer: tests/test_portal_*.py).
PORTAL_ENTRIES = [
    Entry(offers.offer_topic, P.DIRECTORY_WRITE, lambda s, w, a: {"code": "refund", "internal_attributes": []}),
    Entry(offers.offer_function, P.DIRECTORY_WRITE, lambda s, w, a: {"name": "send_balance_sms", "offered": False}),
    Entry(ratings.report, P.REPORTS_READ, lambda s, w, a: {"date_from": period().start.date(),
                                                          "date_to": period().end.date()}),
    Entry(offers.list_offers, P.DIRECTORY_READ),
    Entry(portal_demo.seed_portal_demo, P.CUSTOMERS_WRITE),
]

CONTENT_ENTRIES = KB_ENTRIES + SCRIPT_ENTRIES + SECURITY_ENTRIES + RESPONSE_ENTRIES + PORTAL_ENTRIES
