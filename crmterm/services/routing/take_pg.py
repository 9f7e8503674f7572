"""Take-next on PostgreSQL in one round trip.

A floor of agents pressing "take next" is the hottest write of the product; each statement is a round
trip, and the row lock of a pick is held until commit, so every trip inside the transaction is time other
agents skip that row. One statement therefore does the whole take:

  target  the queue by code, and whether the actor may work it (the same rule as queue_access.can_work:
          a supervisor, a member or admin by login, or a member through one of the user's groups);
  pick    the next waiting inquiry the actor is skilled for, in work order (best skill match, priority,
          deadline, age: skill_match says how), `FOR UPDATE SKIP LOCKED`; nothing when the queue requires
          skills the actor lacks;
  taken   the update (state, assignee, version), re-checking that nobody holds the row;
  logged  its 'taken' event, exactly as inquiry_log.record writes it;
and the outer SELECT sends the queue's NOTIFY (delivered on commit, only when something was taken) and
says whether any automation rule listens to 'taken', so `automation.fire` is called only then.

The queue row and the user's groups are read inside the statement, not cached: an index lookup costs
microseconds there, and a per-process cache keyed by the rows' version could be fooled by a database
restored or recreated under the running process (same ids, same versions, other members).

A queue that does not exist, that the actor may not work or whose required skills the actor lacks takes
nothing and answers False for `known`: the caller then goes the general path, which raises NotFound or
PermissionDenied with its usual message.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session

from crmterm.services.accounts.permissions import Actor, Permission
from crmterm.services.routing import live
from crmterm.store import utcnow
from crmterm.workflow.engine import State

# A step requirement of inquiry `i` that the actor does not meet (skill_match explains the pick)
_UNMET = """SELECT 1 FROM step_skill s WHERE s.revision_id = i.route_revision_id AND s.step = i.step
               AND NOT EXISTS (SELECT 1 FROM agent_skill a WHERE a.user_id = :actor_id
                               AND a.skill = s.skill AND a.level >= s.min_level)"""

_TAKE = text("""
WITH target AS (
    SELECT q.id,
           (:supervisor
            OR q.members::jsonb ? :login
            OR q.admins::jsonb ? :login
            OR EXISTS (SELECT 1 FROM app_user u WHERE u.login = :login
                       AND u.groups::jsonb ?| ARRAY(SELECT jsonb_array_elements_text(q.groups::jsonb)))
           ) AS allowed,
           NOT EXISTS (SELECT 1 FROM json_each_text(q.skills) r
                       WHERE NOT EXISTS (SELECT 1 FROM agent_skill a WHERE a.user_id = :actor_id
                                         AND a.skill = r.key AND a.level >= r.value::int)) AS skilled
    FROM queue q WHERE q.code = :queue
),
pick AS (
    SELECT COALESCE(
        (SELECT i.id FROM inquiry i
         WHERE i.queue_id = (SELECT id FROM target WHERE allowed AND skilled) AND i.state = :waiting
           AND EXISTS (SELECT 1 FROM step_skill)  -- checked once: no step requires skills, no scan at all
           AND (i.route_revision_id, i.step) IN (SELECT s.revision_id, s.step FROM step_skill s)
           AND NOT EXISTS (""" + _UNMET + """)
         ORDER BY (SELECT COALESCE(SUM(a.level), 0) FROM step_skill s
                   JOIN agent_skill a ON a.skill = s.skill AND a.user_id = :actor_id
                   WHERE s.revision_id = i.route_revision_id AND s.step = i.step) DESC,
                  i.priority_rank, i.due_at, i.id
         LIMIT 1 FOR UPDATE OF i SKIP LOCKED),
        (SELECT i.id FROM inquiry i
         WHERE i.queue_id = (SELECT id FROM target WHERE allowed AND skilled) AND i.state = :waiting
           AND NOT EXISTS (""" + _UNMET + """)
         ORDER BY i.priority_rank, i.due_at, i.id
         LIMIT 1 FOR UPDATE OF i SKIP LOCKED)) AS id
),
taken AS (
    UPDATE inquiry SET state = :taken, assignee_id = :actor_id, version = inquiry.version + 1,
                       updated_at = :now, updated_by = :login
    WHERE inquiry.id = (SELECT id FROM pick) AND inquiry.state = :waiting AND inquiry.assignee_id IS NULL
    RETURNING inquiry.id
),
logged AS (
    INSERT INTO inquiry_event (inquiry_id, at, actor, kind, text, data)
    SELECT id, :now, :login, 'taken', '', CAST(:data AS json) FROM taken
)
SELECT (SELECT id FROM target) AS queue_id,
       (SELECT allowed FROM target) AS allowed,
       (SELECT skilled FROM target) AS skilled,
       (SELECT id FROM taken) AS taken_id,
       (SELECT pg_notify(:channel, (SELECT id FROM target)::text) FROM taken) AS notified,
       EXISTS (SELECT 1 FROM automation_rule r WHERE r.event = 'taken' AND r.active) AS automated
""")

EVENT_DATA = '{"next": true}'  # what queues.take_next logs with its 'taken' event


@dataclass(frozen=True)
class Taken:
    known: bool  # the queue exists and the actor may work it; else nothing was taken
    inquiry_id: int | None  # None: nothing waits (or every waiting row is held by another agent)
    automated: bool  # some active automation rule listens to 'taken'


def take(session: Session, actor: Actor, queue: str) -> Taken:
    """The whole take in one statement (see the module's docstring); the caller owns the transaction."""
    session.flush()  # pending ORM rows first, as the ORM statement of the general path would autoflush
    row = session.execute(_TAKE, {
        "supervisor": actor.can(Permission.INQUIRIES_SUPERVISE), "login": actor.login, "queue": queue,
        "actor_id": actor.id, "waiting": State.WAITING.value, "taken": State.TAKEN.value, "now": utcnow(),
        "data": EVENT_DATA, "channel": live.CHANNEL}).one()
    if row.queue_id is None or not row.allowed or not row.skilled:
        return Taken(known=False, inquiry_id=None, automated=False)
    return Taken(known=True, inquiry_id=row.taken_id, automated=bool(row.automated))
