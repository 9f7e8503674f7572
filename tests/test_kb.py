"""Knowledge base on both databases: the life-cycle and who may move it, what agents and editors see, ranked
search in English and Russian, usage lifting an article, suggestions, attaching to an inquiry."""

from __future__ import annotations

import pytest
from sqlmodel import select

from crmterm.errors import Conflict, NotFound, PermissionDenied, ValidationError
from crmterm.services.accounts import audit
from crmterm.services.inquiries import inquiries
from crmterm.services.knowledge import kb, kb_search, kb_usage
from crmterm.services.knowledge.kb import ArticleDraft
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.store import InquiryEvent
from crmterm.store.db import unit_of_work
from helpers import ADMIN, AGENT, SUPERVISOR, AUDITOR


def act(url: str, call, actor=ADMIN, **kwargs):
    with unit_of_work(url) as session:
        return call(session=session, actor=actor, **kwargs)


def write(url: str, slug: str, title: str, body: str = "", actor=SUPERVISOR, approve: bool = True, **fields):
    found = act(url, kb.save_article, actor, draft=ArticleDraft(slug=slug, title=title, body=body, **fields))
    if approve:
        found = act(url, kb.set_status, SUPERVISOR, key=slug, status="approved")
    return found


def slugs(url: str, query: str, actor=AGENT, **options) -> list[str]:
    return [h.slug for h in act(url, kb_search.search, actor, query=query, **options)]


def test_life_cycle_records_the_approver_and_checks_roles(db_url):
    draft = write(db_url, "sim-swap", "SIM replacement", "Bring an ID.", approve=False)
    assert (draft.status, draft.created_by, draft.approved_by) == ("draft", "supervisor", None)
    with pytest.raises(PermissionDenied):
        act(db_url, kb.save_article, AGENT, draft=ArticleDraft(slug="x", title="X"))
    with pytest.raises(PermissionDenied):
        act(db_url, kb.set_status, AGENT, key="sim-swap", status="approved")
    assert act(db_url, kb.set_status, SUPERVISOR, key="sim-swap", status="review").status == "review"
    approved = act(db_url, kb.set_status, ADMIN, key=draft.id, status="approved")
    assert (approved.status, approved.approved_by) == ("approved", "admin") and approved.approved_at is not None
    with pytest.raises(Conflict):
        act(db_url, kb.set_status, ADMIN, key="sim-swap", status="review")  # approved → retired only
    assert act(db_url, kb.set_status, ADMIN, key="sim-swap", status="retired").status == "retired"
    actions = [e.action for e in act(db_url, audit.list_entries, ADMIN, entity="kb_articles")]
    assert actions == ["retired", "approved", "review", "create"]


def test_optimistic_version_and_field_checks(db_url):
    first = write(db_url, "apn", "APN settings", approve=False)
    act(db_url, kb.save_article, SUPERVISOR, draft=ArticleDraft(slug="apn", title="APN settings v2"))
    with pytest.raises(Conflict):
        act(db_url, kb.save_article, SUPERVISOR, draft=ArticleDraft(slug="apn", title="stale"),
            expected_version=first.version)
    for bad in ({"slug": "Bad Slug"}, {"lang": "de"}, {"visibility": "world"}, {"title": " "},
                {"body": "esc \x1b[2J"}, {"topics": ["no_such_topic"]}):
        with pytest.raises(ValidationError):
            act(db_url, kb.save_article, SUPERVISOR, draft=ArticleDraft(**{"slug": "ok", "title": "T"} | bad))


def test_agents_see_approved_articles_only_editors_see_drafts(db_url):
    write(db_url, "roaming-on", "Turn on zanzibar", "Open settings and enable zanzibar.")
    write(db_url, "roaming-draft", "Zanzibar draft", "Zanzibar text still being written.", approve=False)
    assert slugs(db_url, "zanzibar") == ["roaming-on"]
    assert slugs(db_url, "zanzibar", AUDITOR) == ["roaming-on"]
    assert set(slugs(db_url, "zanzibar", SUPERVISOR)) == {"roaming-on", "roaming-draft"}
    assert slugs(db_url, "zanzibar", SUPERVISOR, statuses=["draft"]) == ["roaming-draft"]
    assert slugs(db_url, "zanzibar", AGENT, statuses=["draft"]) == ["roaming-on"]  # an agent's wish is ignored
    with pytest.raises(NotFound):
        act(db_url, kb.get_article, AGENT, key="roaming-draft")


def test_search_ranks_title_over_body_and_stems_both_languages(db_url):
    write(db_url, "tariff", "Changing the tariff", "Any plan can be switched once a month.", keywords=["plan"])
    write(db_url, "bill", "Reading your bill", "The bill lists the tariff and every charge.")
    write(db_url, "tariff", "Смена тарифа", "Тариф можно сменить раз в месяц в личном кабинете.", lang="ru",
          approve=False)
    assert slugs(db_url, "tariff") == ["tariff", "bill"]  # the title weighs more than the body
    assert slugs(db_url, "changed tariffs") == ["tariff"]  # English stems: changed → change, tariffs → tariff
    assert slugs(db_url, "тарифы", lang="ru") == ["tariff"]  # Russian: тарифы / тарифа share a stem
    assert slugs(db_url, "кабинете") == ["tariff"]
    hit = act(db_url, kb_search.search, AGENT, query="тарифы")[0]
    assert (hit.lang, hit.title) == ("ru", "Смена тарифа")
    assert slugs(db_url, "tariff nonexistentword") == ["tariff", "bill"]  # all words, else any word


@pytest.mark.parametrize("typed", ['"', "AND OR NOT", "tariff*", "(", "-", "NEAR(a b)", "a:b", "'; drop",
                                   "title:tariff", "\\", "!!! ???", "tariff & | !", "<->"])
def test_no_typed_text_raises_a_database_error(db_url, typed):
    write(db_url, "tariff", "Changing the tariff")
    act(db_url, kb_search.search, AGENT, query=typed)  # no exception, whatever it finds


def test_usage_raises_an_article_above_an_equally_relevant_one(db_url):
    for slug in ("alpha", "beta"):
        write(db_url, slug, "Voicemail setup", "Dial 0600 to set up voicemail.")
    for n in range(4):  # other articles so the shared words are not in every document
        write(db_url, f"other-{n}", f"Unrelated {n}", "Payments and invoices.")
    first, second = slugs(db_url, "voicemail")
    assert (first, second) == ("alpha", "beta")  # a tie falls to the older article
    act(db_url, kb_usage.open_article, AGENT, key="beta")
    assert slugs(db_url, "voicemail") == ["beta", "alpha"]
    act(db_url, kb_usage.mark_helpful, AGENT, key="alpha")
    assert slugs(db_url, "voicemail") == ["alpha", "beta"]  # helpful (5) outweighs one opening (1)
    counts = act(db_url, kb.get_article, AGENT, key="alpha")
    assert (counts.opened, counts.helpful) == (0, 1) and counts.usage_score == pytest.approx(1.791759, abs=1e-5)


def test_suggestions_use_the_topic_and_attach_goes_to_the_timeline(demo_url):
    body = "Check the debt with the donor operator."
    write(demo_url, "porting-help", "Porting rejected", body, topics=["portability"])
    write(demo_url, "debt-check", "Debt check", body)
    write(demo_url, "apn", "APN settings", "Set the APN to internet.", topics=["apn_settings"])
    picked = act(demo_url, kb_search.suggest, AGENT, topic="port_rejected")
    assert [h.slug for h in picked] == ["porting-help"]  # linked to the group above the topic
    picked = act(demo_url, kb_search.suggest, AGENT, topic="port_rejected", typed="donor operator")
    assert [h.slug for h in picked] == ["porting-help", "debt-check"]  # equally relevant: the topic's first
    picked = act(demo_url, kb_search.suggest, AGENT, topic="apn_settings", typed="donor operator")
    assert [h.slug for h in picked] == ["porting-help", "debt-check"]  # no boost: the older first
    assert act(demo_url, kb_search.suggest, AGENT) == []

    draft = ContactDraft.model_validate({"channel": "phone", "inquiries": [{"topic": "tariff_info"}]})
    inquiry = act(demo_url, register, AGENT, draft=draft).inquiry_ids[0]
    assert act(demo_url, kb_usage.attach, AGENT, inquiry_id=inquiry, key="apn") is True
    assert act(demo_url, kb_usage.attach, AGENT, inquiry_id=inquiry, key="apn") is False
    with pytest.raises(NotFound):
        act(demo_url, kb_usage.attach, AGENT, inquiry_id=999999, key="apn")
    attached = act(demo_url, kb_usage.attached_to, AGENT, inquiry_id=inquiry)
    assert [(a.slug, a.title, a.attached_by) for a in attached] == [("apn", "APN settings", "agent")]
    assert act(demo_url, kb.get_article, AGENT, key="apn").attached == 1
    with unit_of_work(demo_url) as session:
        kinds = session.exec(select(InquiryEvent.kind).where(InquiryEvent.inquiry_id == inquiry)).all()
    assert "kb_attached" in kinds
    assert act(demo_url, inquiries.get_inquiry, AGENT, inquiry_id=inquiry).id == inquiry
