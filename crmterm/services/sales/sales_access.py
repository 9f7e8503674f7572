"""Who sees and changes which opportunities and quotes: a sales agent (sales.work) their own, sales.read
every one, sales.supervise changes every one. The role is checked before the target is looked up
(`require_seller`, `require_sales_reader`); ownership after (`check_reads`, `check_changes`)."""

from __future__ import annotations

from crmterm.errors import PermissionDenied
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require


def require_sales_reader(actor: Actor | None) -> Actor:
    """Anyone who sees some of the pipeline: their own (sales.work) or all of it (sales.read)."""
    if actor is not None and actor.can(Permission.SALES_WORK):
        return actor
    return require(actor, Permission.SALES_READ)


def require_seller(actor: Actor | None) -> Actor:
    return require(actor, Permission.SALES_WORK)


def sees_all(actor: Actor) -> bool:
    return actor.can(Permission.SALES_READ)


def check_reads(actor: Actor, owner_id: int | None) -> None:
    if not sees_all(actor) and (actor.id is None or owner_id != actor.id):
        raise PermissionDenied(_("{who} may see only their own opportunities and quotes").format(who=actor.login))


def check_changes(actor: Actor, owner_id: int | None) -> None:
    if actor.can(Permission.SALES_SUPERVISE):
        return
    if actor.id is None or owner_id != actor.id:
        raise PermissionDenied(_("{who} may change only their own opportunities and quotes").format(
            who=actor.login))
