"""The figures of issue 30's closing note: 10,000 customers and 1,000 inquiries synthesised on a PostgreSQL
server, pulled by `sync init` (scope all) into a fresh SQLite node through the API app; time and bytes
printed. Slow: run with `-m slow -s`."""

from __future__ import annotations

import time

import pytest
from conftest import PG_ROLES, _database_from, as_role, copy_demo
from sqlmodel import func, select
from sync_support import Server

from crmterm.services.accounts.permissions import SYSTEM
from crmterm.services.platform import synthetic, synthetic_inquiries
from crmterm.services.sync import node
from crmterm.services.sync.client import sessions_for
from crmterm.store import Inquiry, Party
from crmterm.store.db import unit_of_work

pytestmark = pytest.mark.slow


@pytest.fixture
def big_server(request):
    for url in _database_from(request.getfixturevalue("pg_server"), request.getfixturevalue("pg_demo_template")):
        owner = url
        with unit_of_work(owner) as session:
            synthetic.generate(session=session, actor=SYSTEM, customers=10_000)
        with unit_of_work(owner) as session:
            synthetic_inquiries.generate(session=session, actor=SYSTEM, inquiries=1_000)
        yield as_role(url, PG_ROLES.app)


def test_figures_of_a_first_sync(big_server, sqlite_template, tmp_path):
    server = Server(big_server)
    transport = server.transport("supervisor")
    node_url = copy_demo(sqlite_template, tmp_path / "laptop.db")
    started = time.perf_counter()
    result = node.init_node(sessions_for(node_url), transport, server_url="http://testserver", token="-",
                            scope="all", row_limit=20_000)
    seconds = time.perf_counter() - started
    with unit_of_work(node_url) as session:
        parties = session.exec(select(func.count()).select_from(Party)).one()
        inquiries = session.exec(select(func.count()).select_from(Inquiry)).one()
    again = time.perf_counter()
    second = node.synchronise(sessions_for(node_url), server.transport("supervisor"))
    print(f"\nsync init: {parties} customers, {inquiries} open inquiries, {result.pulled} rows in {seconds:.1f} s; "
          f"{result.bytes_up} bytes up, {result.bytes_down} bytes down; a sync right after: "
          f"{second.pulled} rows, {second.bytes_down} bytes in {time.perf_counter() - again:.1f} s")
    assert parties >= 10_000 and result.pulled >= 10_000
