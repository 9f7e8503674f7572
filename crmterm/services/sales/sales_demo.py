"""The demo pipeline: opportunities of the three demo sellers across every stage of the business process,
retail ones for leads, quotes sent and accepted behind the later stages — and, for a newcomer to finish, a
draft office bundle for the Nord group whose 15 % structural discount the quote shows.

Loaded once, into a database without opportunities; made through the services, as the seller who owns each."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, func, select

from crmterm.services.accounts.permissions import Actor, Permission, Role, require
from crmterm.services.customers import structures
from crmterm.services.sales import opportunities, quote_states, quotes
from crmterm.store import Contract, Opportunity, OpportunityStage, Party, User
from crmterm.store.tables import id_column

SELLERS = ("agent", "agent2", "supervisor")
# Stage, then the items of its quote (none: no quote yet); the stage decides how far the quote went
_STAGES = ("qualify", "needs", "proposal", "negotiation", "won", "lost")
_QUOTES = ((("internet_100", 1), ("router", 1), ("static_ip", 1)),
           (("mobile_business", 12), ("sim", 12), ("extra_traffic", 4)),
           (("office_pack", 1), ("antivirus", 1)),
           (("internet_500", 1), ("router", 1), ("installation", 1), ("support_premium", 1)))
_TITLES = ("Office internet", "Mobile fleet", "Branch office bundle", "Premium connectivity")
_LOSS = ("Price too high", "Chose a competitor", "Project postponed")
_COMPETITORS = ("MegaLink", "RusNet", "")


def seed_demo_sales(*, session: Session, actor: Actor) -> int:
    """Returns the number of opportunities made (0: the pipeline was there already)."""
    require(actor, Permission.CONFIG_IMPORT)
    if session.exec(select(func.count()).select_from(Opportunity)).one():
        return 0
    sellers = [Actor(login=u.login, role=Role(u.role_code), id=u.id)
               for u in session.exec(select(User).where(col(User.login).in_(SELLERS)).order_by(col(User.login)))]
    if not sellers:
        return 0
    made = _nord_bundle(session, sellers)
    companies = session.exec(select(id_column(Party)).where(Party.kind == "organisation", col(Party.is_lead).is_(False))
                             .order_by(col(Party.id)).offset(12).limit(30)).all()
    for number, party_id in enumerate(companies):
        # six deals a seller in a row: every seller has one at every stage
        deal = _company_deal(session, sellers[number // len(_STAGES) % len(sellers)], party_id, number)
        _spread_history(session, deal, days=2 + number % 5)
        made += 1
    leads = session.exec(select(id_column(Party)).where(col(Party.is_lead).is_(True))
                         .order_by(col(Party.id)).limit(4)).all()
    for number, party_id in enumerate(leads):
        seller = sellers[number % len(sellers)]
        opportunities.create_opportunity(session=session, actor=seller, party_id=party_id, process="retail",
                                         title="Home internet and mobile", amount=str(1500 + 500 * number),
                                         expected_close=structures.today() + timedelta(days=10 + 5 * number))
        made += 1
    return made


def _nord_bundle(session: Session, sellers: list[Actor]) -> int:
    """The Nord group's head office: a draft office bundle at the proposal stage, waiting to be sent."""
    head = session.exec(select(Contract.payer_party_id).where(Contract.number == "NORD-001")).first()
    if head is None:
        return 0
    seller = next(s for s in sellers if s.login == "agent")
    deal = opportunities.create_opportunity(session=session, actor=seller, party_id=head,
                                            title="Nord Group: office bundle for headquarters",
                                            expected_close=structures.today() + timedelta(days=21),
                                            competitor="MegaLink")
    quote = quotes.create_quote(session=session, actor=seller, party_id=head, opportunity_id=deal.id)
    for product, quantity in (("office_pack", 1), ("static_ip", 2), ("mobile_business", 20), ("sim", 20)):
        quotes.add_item(session=session, actor=seller, quote_id=quote.id, product=product, quantity=quantity)
    opportunities.move_stage(session=session, actor=seller, opportunity_id=deal.id, stage="proposal")
    return 1


def _spread_history(session: Session, deal_id: int, days: int) -> None:
    """The stages entered `days` apart up to now, so the funnel report's average days in a stage mean something
    (the services stamp each stage with the moment it was entered: all at once while seeding)."""
    entries = session.exec(select(OpportunityStage).where(OpportunityStage.opportunity_id == deal_id)
                           .order_by(col(OpportunityStage.id))).all()
    for back, entry in enumerate(reversed(entries)):
        entry.at = entry.at - timedelta(days=days * back)
        session.add(entry)


def _company_deal(session: Session, seller: Actor, party_id: int, number: int) -> int:
    stage = _STAGES[number % len(_STAGES)]
    kind = number % len(_QUOTES)
    today = structures.today()
    deal = opportunities.create_opportunity(
        session=session, actor=seller, party_id=party_id, title=_TITLES[kind],
        amount=None if stage in ("proposal", "negotiation", "won") else str(20000 + 3500 * number),
        expected_close=today + timedelta(days=7 * (number % 9) - 14), competitor=_COMPETITORS[number % 3])
    if stage in ("proposal", "negotiation", "won"):
        _quote(session, seller, party_id, deal.id, kind, stage)
    for step in _STAGES[1:_STAGES.index(stage) + 1] if stage not in ("won", "lost") else ("needs", "proposal"):
        opportunities.move_stage(session=session, actor=seller, opportunity_id=deal.id, stage=step)
    if stage == "won":
        opportunities.win_opportunity(session=session, actor=seller, opportunity_id=deal.id)
    elif stage == "lost":
        opportunities.lose_opportunity(session=session, actor=seller, opportunity_id=deal.id,
                                       reason=_LOSS[number // len(_STAGES) % len(_LOSS)])  # the lost are 6 apart
    return deal.id


def _quote(session: Session, seller: Actor, party_id: int, deal_id: int, kind: int, stage: str) -> None:
    quote = quotes.create_quote(session=session, actor=seller, party_id=party_id, opportunity_id=deal_id)
    for product, quantity in _QUOTES[kind]:
        quotes.add_item(session=session, actor=seller, quote_id=quote.id, product=product, quantity=quantity)
    if stage in ("negotiation", "won"):
        quote_states.send_quote(session=session, actor=seller, quote_id=quote.id, mail=False)
    if stage == "won":
        # its order comes at the TUI's first start (sales_demo_orders): seeded databases hold no inquiries
        quote_states.accept_quote(session=session, actor=seller, quote_id=quote.id, make_order=False)
