"""`quote_price_p95_ms`: pricing a draft quote of 30 items for a customer in a structure with inherited
discounts — the price list in force, the discounts the customer card lists, the configuration rules, taxes and
totals (services/sales/quote_views). A bench catalogue of 30 products with rules and a price list for every
category are imported, the quote is made, priced `rounds` times and everything is rolled back."""

from __future__ import annotations

import random
from datetime import date

from sqlmodel import Session, col, select

from crmterm.bench.timing import p95_ms, timed
from crmterm.services.accounts.permissions import SYSTEM
from crmterm.services.directory import config_io, yaml_lines
from crmterm.services.sales import quotes
from crmterm.store import ClientCategory, Party

ITEMS = 30


def _catalogue(categories: list[str]) -> dict:
    products = [{"code": f"bench_p{n}", "kind": "tariff" if n % 3 else "device", "names": {"en": f"Bench {n}"},
                 "rules": {"requires": [f"bench_p{n - 1}"], "quantity": "qty <= 100"} if n % 3 == 1 else {}}
                for n in range(ITEMS)]
    prices = {f"bench_p{n}": 100 + n for n in range(ITEMS)}
    # one list per client category and one for all, starting today: in force whatever lists the data set has
    lists = [{"code": f"bench_prices_{category or 'all'}", "category": category, "valid_from": date.today().isoformat(),
              "currency": "RUB", "tax_rate": 20, "prices": prices} for category in (None, *categories)]
    return {"products": products, "price_lists": lists}


def measure_quote_pricing(session: Session, rounds: int, rng: random.Random) -> dict[str, float]:
    categories = [c for c in session.exec(select(ClientCategory.code)).all()]
    document = yaml_lines.parse(yaml_lines.dump(_catalogue(categories)), file="bench")  # entries know their lines
    config_io.import_document(session=session, actor=SYSTEM, document=document, file=None, source="bench")
    parties = session.exec(select(Party.id).where(Party.status == "active").order_by(col(Party.id)).limit(200)).all()
    party = rng.choice([p for p in parties if p is not None])
    quote = quotes.create_quote(session=session, actor=SYSTEM, party_id=party).id
    for n in range(ITEMS):
        quotes.add_item(session=session, actor=SYSTEM, quote_id=quote, product=f"bench_p{n}", quantity=1 + n % 4)
    session.flush()
    seconds = timed(lambda: quotes.get_quote(session=session, actor=SYSTEM, quote_id=quote), rounds)
    return {"quote_price_p95_ms": p95_ms(seconds)}
