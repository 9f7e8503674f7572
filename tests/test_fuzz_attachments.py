"""Fuzzed attachment names and sizes (issue 12 item 8), on both databases: path traversal, absolute and
Windows paths, NUL and control characters, reserved and huge names, files above the limit. An attachment is
refused with a ValidationError or stored under a bare, printable file name; a file above the limit is refused
before its content is read."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlmodel import Session

from crmterm.errors import ValidationError
from crmterm.services.inquiries import attachments
from crmterm.services.inquiries.attachments import AttachmentLimits
from crmterm.services.accounts.permissions import SYSTEM
from crmterm.services.inquiries import registration
from crmterm.services.inquiries.registration import ContactDraft
from crmterm.store import Attachment
from crmterm.store.db import engine_for, unit_of_work
from fuzz_strategies import fuzz, nasty_text, outcome_of, shared_demo_url  # noqa: F401 - a fixture

PATHS = ("../../etc/passwd", "../../x.pdf", "/etc/x.txt", "C:\\Windows\\x.txt", "..\\..\\x.txt", "x.txt\x00.exe",
         "CON.txt", "nul.txt", ".", "..", "a/", "\x1b[2Jx.txt", "\u202etxt.exe", "x" * 300 + ".txt", "😀.png",
         " .txt", "x.TXT", "x.", "\udcffx.txt")


@pytest.fixture(scope="module")
def inquiry_id(shared_demo_url) -> int:
    with unit_of_work(shared_demo_url) as session:
        done = registration.register(session=session, actor=SYSTEM, draft=ContactDraft(
            inquiries=[{"topic": "balance_inquiry", "text": "fuzz"}]))
    return done.inquiry_ids[0]


@fuzz(40)
@given(name=st.one_of(st.sampled_from(PATHS), nasty_text(), st.builds(lambda a, b: a + "/" + b + ".txt",
                                                                    nasty_text(20), nasty_text(20))),
       data=st.binary(max_size=64))
@example(name="../../etc/passwd.txt", data=b"x")
@example(name="C:\\Windows\\x.txt", data=b"x")
@example(name="x\x00.txt", data=b"x")
@example(name="x" * 300 + ".txt", data=b"x")
@example(name="\n", data=b"x")  # the refusal quoted the name, line break and all: a two-line error
def test_attachment_names(shared_demo_url, inquiry_id, name, data):
    with Session(engine_for(shared_demo_url)) as session:
        try:
            outcome = outcome_of("attachments.name", lambda: attachments.attach(
                session=session, actor=SYSTEM, inquiry_id=inquiry_id, name=name, data=data))
            if isinstance(outcome, ValidationError):
                assert outcome.field == "file"
            else:
                stored = session.get(Attachment, outcome).name
                assert "/" not in stored and "\\" not in stored and stored not in (".", "..")
                assert stored.isprintable() and 0 < len(stored) <= 255
        finally:
            session.rollback()


@fuzz(10)
@given(kb=st.integers(1, 64), over=st.integers(1, 5 * 1024 * 1024))
def test_a_file_above_the_limit_is_refused_unread(shared_demo_url, inquiry_id, tmp_path, monkeypatch, kb, over):
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:  # sparse: the size is there, the bytes are not
        handle.truncate(kb * 1024 + over)
    read_bytes = Path.read_bytes  # only this file is watched: other code (catalogues, settings) may read files

    def watched(self: Path) -> bytes:
        if self.resolve() == path.resolve():
            pytest.fail("read a file above the limit")
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", watched)
    with Session(engine_for(shared_demo_url)) as session:
        try:
            outcome = outcome_of("attachments.size", lambda: attachments.attach_path(
                session=session, actor=SYSTEM, inquiry_id=inquiry_id, path=str(path),
                limits=AttachmentLimits(max_kb=kb)))
            assert isinstance(outcome, ValidationError) and "limit" in str(outcome)
        finally:
            session.rollback()
