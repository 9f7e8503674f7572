"""Registration drafts kept per user in the database (issue 19 item 3), on both databases: a user reads and
writes only their own, the roles that register may keep one, and erasing a customer deletes the drafts that
name them."""

from __future__ import annotations

import pytest
from helpers import ADMIN, act
from sqlmodel import select

from crmterm.errors import PermissionDenied, ValidationError
from crmterm.services.accounts.permissions import SYSTEM
from crmterm.services.customers import customers, erasure
from crmterm.services.inquiries import registration_drafts as drafts
from crmterm.store import RegistrationDraft
from crmterm.store.db import unit_of_work

DOCUMENT = {"inputs": {"reg-caller": "+7 916 000-00-01"}, "inquiries": [{"topic": "no_data", "values": {}}]}


def test_each_user_reads_and_replaces_only_their_own_draft(demo_url, people):
    agent, agent2 = people["agent"], people["agent2"]
    act(demo_url, drafts.save_draft, agent, document=DOCUMENT)
    assert act(demo_url, drafts.my_draft, agent2) is None
    act(demo_url, drafts.save_draft, agent2, document={**DOCUMENT, "current": 0})
    act(demo_url, drafts.save_draft, agent, document={**DOCUMENT, "inputs": {"reg-caller": "second"}})
    assert act(demo_url, drafts.my_draft, agent).document["inputs"] == {"reg-caller": "second"}
    assert act(demo_url, drafts.my_draft, agent2).document == {**DOCUMENT, "current": 0}
    act(demo_url, drafts.save_draft, agent, document={})  # nothing typed any more: the draft goes
    assert act(demo_url, drafts.my_draft, agent) is None
    assert act(demo_url, drafts.discard_draft, agent2) is True
    assert act(demo_url, drafts.discard_draft, agent2) is False


def test_who_may_keep_a_draft(demo_url, people):
    with pytest.raises(PermissionDenied):
        act(demo_url, drafts.save_draft, people["auditor"], document=DOCUMENT)  # registers nothing
    with pytest.raises(PermissionDenied):
        act(demo_url, drafts.my_draft, SYSTEM)  # the CLI's system account is nobody's keyboard
    with pytest.raises(ValidationError):
        act(demo_url, drafts.save_draft, people["agent"], document={"text": "x" * (drafts.MAX_DRAFT_BYTES + 1)})
    act(demo_url, drafts.save_draft, people["supervisor"], document=DOCUMENT)


def test_erasing_a_customer_deletes_the_drafts_that_name_them(demo_url, people):
    erased, kept = (act(demo_url, customers.create_party, ADMIN, values={"display_name": name}).id
                    for name in ("Zelda Quux", "Other Person"))
    act(demo_url, drafts.save_draft, people["agent"], document=DOCUMENT, customer_id=erased)
    act(demo_url, drafts.save_draft, people["agent2"], document=DOCUMENT, customer_id=kept)
    done = act(demo_url, erasure.erase_customer, ADMIN, party_id=erased)
    assert done.counts["registration_drafts"] == 1
    with unit_of_work(demo_url) as session:
        assert [d.party_id for d in session.exec(select(RegistrationDraft))] == [kept]
