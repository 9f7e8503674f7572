"""Every inquiry a filter selects, for a group operation over "all the filter matches" rather than rows marked
one by one: the ids the actor's queue list would show, read in keyset pages (so the same visibility rules
hold), refused beyond a bound a group operation should never silently reach."""

from __future__ import annotations

from sqlmodel import Session

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.routing import queues, saved_filters
from crmterm.services.routing.inquiry_filter import InquiryFilter

MAX_MATCHES = 1000
_PAGE = 500


def matching_ids(*, session: Session, actor: Actor, where: InquiryFilter | None = None, saved: str | None = None,
                 owner: str | None = None, limit: int = MAX_MATCHES) -> list[int]:
    """The ids `where` (or the saved filter named `saved`) selects, oldest first; ValidationError when more
    than `limit` match, so a group operation is never applied to a part of them."""
    require(actor, Permission.INQUIRIES_READ)
    if where is None:
        if saved is None:
            raise ValidationError("filter", _("give a filter or the name of a saved one"))
        where = saved_filters.get_filter(session=session, actor=actor, name=saved, owner=owner).where
    found: list[int] = []
    after = None
    while True:
        page = queues.page(session=session, actor=actor, where=where, sort="age", after=after, limit=_PAGE)
        found += [row.id for row in page.rows]
        if len(found) > limit:
            raise ValidationError("filter", _("more than {n} inquiries match: narrow the filter").format(n=limit))
        if page.cursor is None:
            return found
        after = page.cursor
