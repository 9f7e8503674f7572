"""E-mail intake over IMAP from a real server: a throwaway Dovecot (Debian's dovecot-imapd) with its own
configuration under a temporary folder, on a free port, one passwd-file user and a Maildir. Skipped, saying
why, where Dovecot is not installed or cannot start."""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from crmterm.services.mail import mailboxes
from crmterm.settings import MailboxSettings, Settings
from crmterm.store import Inquiry, Queue
from crmterm.store.db import unit_of_work
from helpers import ADMIN
from mail_helpers import message

USER, PASSWORD = "crm", "imap-secret"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _accounts() -> dict:
    """Dovecot runs mail and login processes as no-one's root: as root, its own system users do."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        return {"internal": me.pw_name, "login": me.pw_name, "uid": me.pw_uid, "gid": me.pw_gid}
    try:
        mail, login = pwd.getpwnam("dovecot"), pwd.getpwnam("dovenull")
    except KeyError:
        pytest.skip("running as root without Debian's dovecot and dovenull users")
    return {"internal": mail.pw_name, "login": login.pw_name, "uid": mail.pw_uid, "gid": mail.pw_gid}


def _login_when_up(port: int, seconds: float = 15) -> imaplib.IMAP4:
    deadline = time.monotonic() + seconds
    while True:
        try:
            imap = imaplib.IMAP4("127.0.0.1", port, timeout=5)
            imap.login(USER, PASSWORD)
            return imap
        except (OSError, imaplib.IMAP4.error):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture(scope="session")
def dovecot():
    binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)
    if binary is None:
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
    accounts = _accounts()
    root = Path(tempfile.mkdtemp(prefix="crmterm-dovecot-"))
    root.chmod(0o755)  # the mail and login processes run as other users
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir()
    if os.geteuid() == 0:
        os.chown(root / "mail", accounts["uid"], accounts["gid"])
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    port = _free_port()
    group = grp.getgrgid(pwd.getpwnam(accounts["internal"]).pw_gid).gr_name
    (root / "dovecot.conf").write_text(CONFIG.format(root=root, port=port, internal_group=group, **accounts))
    server = subprocess.Popen([binary, "-F", "-c", str(root / "dovecot.conf")], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    try:
        try:
            imap = _login_when_up(port)
            imap.select("INBOX")
            imap.logout()
        except (OSError, imaplib.IMAP4.error) as error:
            log = (root / "dovecot.log").read_text(errors="replace") if (root / "dovecot.log").exists() else ""
            pytest.skip(f"dovecot did not start: {error}; {log[-500:]}")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


def test_a_mail_delivered_to_the_imap_mailbox_becomes_an_inquiry_in_the_right_queue(demo_url, dovecot):
    imap = _login_when_up(dovecot)
    imap.append("INBOX", None, None, message(sender="info1@nord.example", subject="Invoice for April, please"))
    imap.logout()
    settings = Settings(database_url=demo_url, mailbox=MailboxSettings(
        imap_host="127.0.0.1", imap_port=dovecot, plain=True, username=USER, password=PASSWORD))

    report = mailboxes.fetch(settings=settings, actor=ADMIN)

    assert len(report.inquiries) == 1 and report.mailbox.startswith("imap://crm@127.0.0.1")
    with unit_of_work(demo_url) as session:
        inquiry = session.get(Inquiry, report.inquiries[0])
        assert session.get(Queue, inquiry.queue_id).code == "billing_bo"
    assert mailboxes.fetch(settings=settings, actor=ADMIN).inquiries == []  # read: flagged \Seen
