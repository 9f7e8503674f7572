"""Directory service on both databases: CRUD, validation, references, versions, audit, permissions."""

from __future__ import annotations

import pytest

from crmterm.errors import Conflict, NotFound, PermissionDenied, ValidationError
from crmterm.services.accounts import audit
from crmterm.services.directory import directory
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.store.db import unit_of_work
from helpers import ADMIN, AGENT, AUDITOR


def _create(url, kind, values, actor=ADMIN):
    with unit_of_work(url) as session:
        return directory.create_entry(session=session, actor=actor, kind=kind, values=values)


def _list(url, kind, **kwargs):
    with unit_of_work(url) as session:
        return directory.list_entries(session=session, actor=ADMIN, kind=kind, **kwargs)


def test_create_place_with_reference_and_read_it_back(demo_url):
    created = _create(demo_url, "places", {"code": "kzn", "labels": {"en": "Kazan", "ru": "Казань"},
                                           "place_type": "sales_office", "time_zone": "Europe/Moscow"})
    assert created.key == "kzn" and created.version == 1
    with unit_of_work(demo_url) as session:
        read = directory.get_entry(session=session, actor=AGENT, kind="places", key="kzn")
    assert read.values["place_type"] == "sales_office"
    assert read.values["labels"] == {"en": "Kazan", "ru": "Казань"}


def test_search_is_case_insensitive_for_cyrillic(demo_url):
    found = _list(demo_url, "places", search="КОЛЛ-ЦЕНТР")
    assert {e.key for e in found} == {"cc_msk", "cc_nsk"}


@pytest.mark.parametrize(("values", "field"), [
    ({"code": "x1", "labels": "X", "place_type": "nowhere"}, "place_type"),
    ({"code": "x1", "labels": "X", "place_type": "call_center", "time_zone": "Mars/Base"}, "time_zone"),
    ({"code": "bad code", "labels": "X", "place_type": "call_center"}, "code"),
    ({"code": "x1", "labels": {}, "place_type": "call_center"}, "labels"),
    ({"code": "x1", "labels": "X", "place_type": "call_center", "colour": "red"}, "colour"),
])
def test_bad_values_name_the_field_and_write_nothing(demo_url, values, field):
    with pytest.raises(ValidationError) as caught:
        _create(demo_url, "places", values)
    assert caught.value.field == field
    assert "x1" not in {e.key for e in _list(demo_url, "places")}


def test_duplicate_code_is_a_conflict(demo_url):
    with pytest.raises(Conflict, match="already exists"):
        _create(demo_url, "channels", {"code": "phone", "labels": "Phone again"})


def test_dictionary_items_are_keyed_within_their_dictionary(demo_url):
    _create(demo_url, "dictionaries", {"code": "colours", "labels": "Colours"})
    item = _create(demo_url, "dictionary_items", {"dictionary": "colours", "code": "msk", "labels": "Moss"})
    assert item.key == "colours/msk"
    keys = {e.key for e in _list(demo_url, "dictionary_items", search="msk")}
    assert {"regions/msk", "colours/msk"} <= keys


def test_stale_version_is_refused_with_who_changed_it(demo_url):
    with unit_of_work(demo_url) as session:
        loaded = directory.get_entry(session=session, actor=ADMIN, kind="channels", key="chat")
    with unit_of_work(demo_url) as session:
        directory.update_entry(session=session, actor=ADMIN, kind="channels", key="chat",
                               values={"sort_order": 31}, expected_version=loaded.version)
    with pytest.raises(Conflict, match="Changed by admin"), unit_of_work(demo_url) as session:
        directory.update_entry(session=session, actor=Actor("admin2", Role.ADMIN), kind="channels",
                               key="chat", values={"sort_order": 99}, expected_version=loaded.version)
    assert _list(demo_url, "channels", search="chat")[0].values["sort_order"] == 31


def test_deactivate_keeps_the_entry_and_is_audited(demo_url):
    with unit_of_work(demo_url) as session:
        entry = directory.set_active(session=session, actor=ADMIN, kind="channels", key="social", active=False,
                                     expected_version=None)
    assert entry.values["active"] is False and entry.version == 2
    assert "social" not in {e.key for e in _list(demo_url, "channels", active_only=True)}
    with unit_of_work(demo_url) as session:
        last = audit.list_entries(session=session, actor=AUDITOR, limit=1)[0]
    assert (last.action, last.entity, last.entity_key, last.actor) == ("deactivate", "channels", "social", "admin")
    assert last.before["active"] is True and last.after["active"] is False


def test_agents_and_auditors_may_read_but_not_write(demo_url):
    assert _list(demo_url, "priorities")
    for actor in (AGENT, AUDITOR):
        with pytest.raises(PermissionDenied):
            _create(demo_url, "channels", {"code": "pigeon", "labels": "Pigeon post"}, actor=actor)
    with pytest.raises(PermissionDenied), unit_of_work(demo_url) as session:
        audit.list_entries(session=session, actor=AGENT)


def test_unknown_area_and_entry_are_not_found(demo_url):
    with pytest.raises(NotFound), unit_of_work(demo_url) as session:
        directory.list_entries(session=session, actor=ADMIN, kind="spaceships")
    with pytest.raises(NotFound), unit_of_work(demo_url) as session:
        directory.get_entry(session=session, actor=ADMIN, kind="channels", key="telepathy")
