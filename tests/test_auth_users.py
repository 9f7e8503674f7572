"""Log-in, lock-out and user accounts on both databases."""

from __future__ import annotations

import pytest
from sqlmodel import select

from crmterm.errors import AuthenticationFailed, Conflict, PermissionDenied, ValidationError
from crmterm.services.accounts import auth, users
from crmterm.services.accounts.permissions import Role
from crmterm.store import User
from crmterm.store import passwords
from crmterm.store.db import unit_of_work
from helpers import ADMIN, AGENT


def _login(url, login, password, **kwargs):
    return auth.authenticate(url=url, login=login, password=password, **kwargs)


def test_demo_user_logs_in_with_role(demo_url):
    actor = _login(demo_url, "agent", "agent")
    assert (actor.login, actor.role) == ("agent", Role.AGENT)


def test_wrong_password_and_unknown_user_get_the_same_message(demo_url):
    messages = set()
    for login, password in (("agent", "nope"), ("nobody", "agent")):
        with pytest.raises(AuthenticationFailed) as caught:
            _login(demo_url, login, password)
        messages.add(str(caught.value))
    assert messages == {"Wrong login or password"}


def test_lock_out_after_repeated_failures_then_unlock_by_new_password(demo_url):
    for _attempt in range(3):
        with pytest.raises(AuthenticationFailed, match="Wrong login"):
            _login(demo_url, "agent2", "bad", max_attempts=3)
    with pytest.raises(AuthenticationFailed, match="Too many failed attempts"):
        _login(demo_url, "agent2", "agent2", max_attempts=3)  # even the right password waits
    with unit_of_work(demo_url) as session:
        users.set_password(session=session, actor=ADMIN, login="agent2", password="fresh-one")
    assert _login(demo_url, "agent2", "fresh-one").login == "agent2"


def test_passwords_are_stored_as_argon2id(demo_url):
    with unit_of_work(demo_url) as session:
        admin = session.exec(select(User.id).where(User.login == "admin")).one()
        assert passwords.settings(session, admin).startswith("$argon2id$")


def test_add_user_validates_and_refuses_duplicates(demo_url):
    with unit_of_work(demo_url) as session:
        created = users.add_user(session=session, actor=ADMIN, password="s3cret",
                                 values={"login": "maria", "role": "supervisor", "groups": ["l2"]})
    assert created.role == "supervisor" and created.groups == ["l2"]
    assert _login(demo_url, "maria", "s3cret").role == Role.SUPERVISOR
    with pytest.raises(Conflict), unit_of_work(demo_url) as session:
        users.add_user(session=session, actor=ADMIN, password="x1234", values={"login": "maria", "role": "agent"})
    for values, field in (({"login": "Bad Login", "role": "agent"}, "login"),
                          ({"login": "ok", "role": "pilot"}, "role"),
                          ({"login": "ok", "role": "agent", "groups": ["ghosts"]}, "groups")):
        with pytest.raises(ValidationError) as caught, unit_of_work(demo_url) as session:
            users.add_user(session=session, actor=ADMIN, password="x1234", values=values)
        assert caught.value.field == field


def test_only_admins_manage_users(demo_url):
    with pytest.raises(PermissionDenied), unit_of_work(demo_url) as session:
        users.add_user(session=session, actor=AGENT, password="x1234", values={"login": "evil", "role": "admin"})
    with pytest.raises(PermissionDenied), unit_of_work(demo_url) as session:
        users.list_users(session=session, actor=AGENT)


def test_role_change_is_version_checked(demo_url):
    with unit_of_work(demo_url) as session:
        before = users.get_user(session=session, actor=ADMIN, login="agent")
        users.update_user(session=session, actor=ADMIN, login="agent", values={"role": "supervisor"},
                          expected_version=before.version)
    with pytest.raises(Conflict, match="Changed by admin"), unit_of_work(demo_url) as session:
        users.update_user(session=session, actor=ADMIN, login="agent", values={"role": "admin"},
                          expected_version=before.version)


def test_groups_and_roles_given_as_one_text_are_codes_not_letters():
    """A form or a YAML line may give "l1, l2": that is two groups, never the groups 'l', '1', ',' and '2'."""
    document = users.clean_document({"login": "ivan", "role": "agent", "groups": "l1, l2", "roles": "problem_manager"})
    assert document["groups"] == ["l1", "l2"] and document["roles"] == ["problem_manager"]
    assert users.clean_document({"login": "ivan", "role": "agent", "groups": ["l1"]})["groups"] == ["l1"]
