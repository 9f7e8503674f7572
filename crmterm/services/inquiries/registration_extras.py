"""Who writes a new inquiry's script walks and knowledge-base articles during registration.

Both belong to the knowledge domain, which already builds on the inquiry life-cycle (a script run moves the
inquiry, an attached article goes on its timeline), so registration cannot import it without a circle. The
knowledge package hands its writer in when it is imported (knowledge/__init__.py), like the automation
runner (routing/action_runner); asked before that, `write` imports the package by dotted name. This module
imports nothing of crmterm's, so setting the writer works at any import order."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

# (session, actor, index of the inquiry in the contact, inquiry id, its InquiryDraft) -> None; raises a
# RegistrationError naming the inquiry, and the caller's transaction undoes the whole registration
ExtrasWriter = Callable[..., None]
PROVIDER = "crmterm.services.knowledge"  # its __init__ calls set_writer

_writer: ExtrasWriter | None = None


def set_writer(writer: ExtrasWriter) -> None:
    global _writer
    _writer = writer


def write(session: Any, actor: Any, index: int, inquiry_id: int, draft: Any) -> None:
    if not draft.script_runs and not draft.kb_articles:
        return
    if _writer is None:
        importlib.import_module(PROVIDER)
    if _writer is None:
        raise RuntimeError(f"registration: no writer for script runs and articles ({PROVIDER} did not set one)")
    _writer(session, actor, index, inquiry_id, draft)
