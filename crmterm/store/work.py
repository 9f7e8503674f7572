"""Callbacks and tasks (issue 24, items 5 and 6): the agent's promised calls and to-dos, worked in "My work".

A callback is owed to a customer at a number within a time window, by one agent or by whoever works a
queue; `done_contact_id` is the outbound contact that kept the promise. `overdue_at` is set once when the
scan (services/work/callback_scan) escalated it, so a callback is escalated once however often the scan runs.
No foreign key to inquiry or contact: archiving may move them away (as mail_message does).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field

from crmterm.store.base import Versioned


class Callback(Versioned, table=True):
    __tablename__ = "callback"
    __table_args__ = (Index("ix_callback_agent_work", "agent_id", "state", "window_from"),  # my work
                      Index("ix_callback_queue_work", "queue_id", "state", "window_from"),  # my queues' work
                      Index("ix_callback_overdue", "state", "overdue_at", "window_to"))  # the escalation scan
    id: int | None = Field(default=None, primary_key=True)
    party_id: int = Field(foreign_key="party.id", nullable=False)
    number: str = Field(max_length=32, nullable=False)  # E.164
    window_from: datetime = Field(nullable=False)
    window_to: datetime = Field(nullable=False)
    note: str = Field(default="", max_length=1000, nullable=False)
    agent_id: int | None = Field(default=None, foreign_key="app_user.id")
    queue_id: int | None = Field(default=None, foreign_key="queue.id")
    inquiry_id: int | None = None
    state: str = Field(default="scheduled", max_length=16, nullable=False)  # scheduled | done | cancelled
    created_by: str = Field(max_length=64, nullable=False)
    done_contact_id: int | None = None
    overdue_at: datetime | None = None  # when the scan escalated it (once)


class WorkTask(Versioned, table=True):
    __tablename__ = "work_task"
    __table_args__ = (Index("ix_work_task_agent", "agent_id", "state", "due_at"),
                      Index("ix_work_task_queue", "queue_id", "state", "due_at"))
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200, nullable=False)
    due_at: datetime | None = None
    priority_id: int | None = Field(default=None, foreign_key="priority.id")
    priority_rank: int = Field(default=100, nullable=False)  # the priority's rank when set (work list order)
    agent_id: int | None = Field(default=None, foreign_key="app_user.id")
    queue_id: int | None = Field(default=None, foreign_key="queue.id")
    party_id: int | None = Field(default=None, foreign_key="party.id")
    inquiry_id: int | None = None
    state: str = Field(default="open", max_length=16, nullable=False)  # open | done
    created_by: str = Field(max_length=64, nullable=False)
    done_at: datetime | None = None
