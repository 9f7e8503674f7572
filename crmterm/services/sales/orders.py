"""Orders: accepting a quote makes an order of a configured type (order_config) with the quote's items as
priced. Its handling is an inquiry of the type's topic, registered with the order, so it runs on that topic's
route — its queues, take-next, SLA and transitions work unchanged — and the order's state follows it: the
inquiry's route step while open, completed once it is closed, cancelled when either is cancelled.

Who sees and cancels which order is the quotes' rule (sales_access): a sales agent their own, sales.read all,
sales.supervise cancels any. Cancelling closes its inquiry as the ORDERS account, which acts only after that
check, so a seller needs no queue supervisor's rights for it."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import Conflict, NotFound, ValidationError
from crmterm.i18n import _, pick
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.inquiries import inquiry_actions, registration
from crmterm.services.inquiries.drafts import ContactDraft, InquiryDraft
from crmterm.services.routing import routing
from crmterm.services.sales import order_config, pricing, sales_access
from crmterm.services.sales.quote_views import QuoteRead
from crmterm.store import Inquiry, Party, SalesOrder, SalesOrderItem, SalesOrderType, User, utcnow
from crmterm.store.tables import saved_id
from crmterm.workflow.engine import State

ORDERS = Actor(login="orders", role=Role.SUPERVISOR, display_name="Orders")  # registers and cancels handling
COMPLETED, CANCELLED = "completed", "cancelled"


class OrderItemRead(BaseModel):
    position: int
    product: str
    quantity: int
    unit_price: Decimal
    discount: Decimal  # percent, structural and manual together
    net: Decimal


class OrderRead(BaseModel):
    id: int
    number: str
    quote_id: int
    party_id: int
    customer: str
    owner: str | None
    order_type: str
    order_type_name: str
    inquiry_id: int | None
    state: str  # the inquiry's route step while open, else completed | cancelled
    state_name: str
    currency: str
    net: Decimal
    tax: Decimal
    total: Decimal
    total_text: str
    cancel_reason: str
    created_at: datetime
    items: list[OrderItemRead] = []
    version: int = 1


def order_from_quote(session: Session, quote: QuoteRead, order_type: str | None = None) -> OrderRead | None:
    """The accepted quote's order and its handling inquiry; None when no order type is configured."""
    kind = order_config.order_type(session, order_type)
    if kind is None:
        return None
    row = SalesOrder(number=f"new-{uuid.uuid4().hex[:12]}", quote_id=quote.id, party_id=quote.party_id,
                     owner_id=_owner_id(session, quote.owner), order_type=kind.code, currency=quote.currency,
                     net=quote.net, tax=quote.tax, total=quote.total, updated_by=ORDERS.login)
    session.add(row)
    session.flush()
    row.number = f"O-{saved_id(row):06d}"  # from the id, as quotes are numbered
    session.add_all(SalesOrderItem(order_id=saved_id(row), position=line.position, product=line.product,
                                   quantity=line.quantity, unit_price=line.unit_price or Decimal(0), net=line.net,
                                   # 15 % and 4.5 % make 18.825 %: kept to the cent as the column holds it
                                   discount=pricing.cents(pricing.combined([line.structural_discount,
                                                                            line.manual_discount])))
                    for line in quote.lines)
    row.inquiry_id = _register_handling(session, row, quote, kind)
    session.add(row)
    session.flush()
    return _read(session, row, full=True)


def _owner_id(session: Session, login: str | None) -> int | None:
    return session.exec(select(User.id).where(User.login == login)).first() if login else None


def _register_handling(session: Session, row: SalesOrder, quote: QuoteRead, kind: SalesOrderType) -> int:
    items = "; ".join(f"{line.quantity} × {line.name}" for line in quote.lines)
    text = _("Order {order} from quote {quote} rev. {rev}").format(order=row.number, quote=quote.number,
                                                                     rev=quote.revision)
    draft = ContactDraft(customer=row.party_id, text=text,
                         inquiries=[InquiryDraft(topic=kind.topic, text=f"{text}: {items}"[:4000], close=False)])
    return registration.register(session=session, actor=ORDERS, draft=draft).inquiry_ids[0]


def _state(session: Session, row: SalesOrder) -> tuple[str, str]:
    inquiry = session.get(Inquiry, row.inquiry_id) if row.inquiry_id else None
    if row.cancelled or (inquiry is not None and inquiry.state == State.CANCELLED):
        return CANCELLED, _("cancelled")
    if (inquiry is None and row.inquiry_id is not None) or (inquiry is not None and inquiry.state == State.CLOSED):
        return COMPLETED, _("completed")  # an archived inquiry was closed
    step = routing.current_step(session, inquiry) if inquiry is not None else None
    if step is None:
        return "registered", _("registered")
    return step.code, pick(step.labels, step.code)


def _read(session: Session, row: SalesOrder, *, full: bool = False) -> OrderRead:
    party = session.get(Party, row.party_id)
    owner = session.get(User, row.owner_id) if row.owner_id else None
    kind = session.exec(select(SalesOrderType).where(SalesOrderType.code == row.order_type)).first()
    state, state_name = _state(session, row)
    found = OrderRead(
        id=saved_id(row), number=row.number, quote_id=row.quote_id, party_id=row.party_id,
        customer=party.display_name if party else "?", owner=owner.login if owner else None,
        order_type=row.order_type, order_type_name=pick(kind.names if kind else None, row.order_type),
        inquiry_id=row.inquiry_id, state=state, state_name=state_name, currency=row.currency, net=row.net,
        tax=row.tax, total=row.total, total_text=pricing.money(Decimal(row.total), row.currency),
        cancel_reason=row.cancel_reason, created_at=row.created_at, version=row.version)
    if full:
        found.items = [OrderItemRead(position=i.position, product=i.product, quantity=i.quantity,
                                     unit_price=i.unit_price, discount=i.discount, net=i.net)
                       for i in session.exec(select(SalesOrderItem).where(SalesOrderItem.order_id == row.id)
                                             .order_by(col(SalesOrderItem.position)))]
    return found


def _row(session: Session, order_id: int) -> SalesOrder:
    row = session.get(SalesOrder, order_id)
    if row is None:
        raise NotFound(_("order"), order_id)
    return row


def get_order(*, session: Session, actor: Actor, order_id: int) -> OrderRead:
    sales_access.require_sales_reader(actor)
    row = _row(session, order_id)
    sales_access.check_reads(actor, row.owner_id)
    return _read(session, row, full=True)


def list_orders(*, session: Session, actor: Actor, party_id: int | None = None, state: str | None = None,
                with_items: bool = False, limit: int = 500) -> list[OrderRead]:
    """Newest first; a sales agent sees their own. `state`: a step code, completed or cancelled."""
    sales_access.require_sales_reader(actor)
    query = select(SalesOrder).order_by(col(SalesOrder.id).desc()).limit(limit)
    if not sales_access.sees_all(actor):
        query = query.where(SalesOrder.owner_id == actor.id)
    if party_id is not None:
        query = query.where(SalesOrder.party_id == party_id)
    found = [_read(session, row, full=with_items) for row in session.exec(query)]
    return [order for order in found if state is None or order.state == state]


def cancel_order(*, session: Session, actor: Actor, order_id: int, reason: str) -> OrderRead:
    """With a reason; its handling inquiry is cancelled with it. A completed order is not cancelled."""
    sales_access.require_seller(actor)
    row = _row(session, order_id)
    sales_access.check_changes(actor, row.owner_id)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError("reason", _("give a reason"))
    state, state_name = _state(session, row)
    if state in (COMPLETED, CANCELLED):
        raise Conflict(_("order {number} is {state}").format(number=row.number, state=state_name))
    if row.inquiry_id is not None:
        inquiry_actions.cancel(session=session, actor=ORDERS, inquiry_id=row.inquiry_id,
                               text=_("order {number} cancelled by {who}: {reason}").format(
                                   number=row.number, who=actor.login, reason=reason)[:4000])
    row.cancelled, row.cancelled_at, row.cancel_reason = True, utcnow(), reason[:500]
    row.version, row.updated_at, row.updated_by = row.version + 1, utcnow(), actor.login
    session.add(row)
    session.flush()
    return _read(session, row, full=True)
