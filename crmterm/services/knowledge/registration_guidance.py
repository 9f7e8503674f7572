"""What the agent did in the knowledge domain while registering — script walks and attached articles —
written on the new inquiry inside the registration's transaction (services/inquiries/registration_extras),
so a walk that does not replay or an article that cannot be attached leaves no contact behind."""

from __future__ import annotations

from sqlmodel import Session

from crmterm.errors import CrmError
from crmterm.services.accounts.permissions import Actor
from crmterm.services.inquiries.drafts import InquiryDraft
from crmterm.services.inquiries.registration import RegistrationError
from crmterm.services.knowledge import kb_usage, script_runs, scripts


def write(session: Session, actor: Actor, index: int, inquiry_id: int, draft: InquiryDraft) -> None:
    for run in draft.script_runs:
        try:
            script_id = run.script if isinstance(run.script, int) else \
                scripts.get(session=session, actor=actor, code=run.script).id
            script_runs.save_run(session=session, actor=actor, inquiry_id=inquiry_id, script_id=script_id,
                                 choices=run.choices)
        except CrmError as error:
            raise _refused(index, draft, "script_runs", error) from None
    for choice in draft.kb_articles:
        try:
            kb_usage.attach(session=session, actor=actor, inquiry_id=inquiry_id, key=choice.article,
                            lang=choice.lang)
        except CrmError as error:
            raise _refused(index, draft, "kb_articles", error) from None


def _refused(index: int, draft: InquiryDraft, name: str, error: CrmError) -> RegistrationError:
    topics: list[str | None] = [None] * (index + 1)  # the message names the inquiry by number and topic
    topics[index] = draft.topic
    return RegistrationError([(index, name, str(error))], topics)
