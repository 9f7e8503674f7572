"""Knowledge-base search at scale: `articles` synthetic approved articles (three in four English, one in four
Russian; Zipf-distributed words over a telecom vocabulary plus generated words, usage counters drawn at
random), built once through bulk_insert and reused, then ranked searches of one to three words as an agent
would type them. Reports the median and p95 of the service call (ranking, usage blend and dedup included)."""

from __future__ import annotations

import random
import statistics
from itertools import accumulate

from sqlmodel import Session, text

from crmterm.bench.timing import p95_ms, timed
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.knowledge import kb_search
from crmterm.services.knowledge.kb_usage import usage_score
from crmterm.store import utcnow
from crmterm.store.bulk import bulk_insert, reserve_ids
from crmterm.store.db import unit_of_work

PREFIX = "bench-"
BATCH = 5000
AGENT = Actor(login="bench", role=Role.AGENT)
_EN = ("roaming tariff balance internet router sim card esim number port transfer invoice payment refund "
       "charge fee subscription bundle minutes sms data speed coverage signal antenna outage voicemail "
       "forwarding settings apn modem wifi password account contract owner passport office delivery "
       "activation deactivation abroad travel country operator network tower install technician visit "
       "warranty repair phone device upgrade plan discount promotion bonus loyalty cashback limit credit "
       "debt block unblock lost stolen pin puk code reset restart update firmware iptv channel package "
       "television cable fiber line slow drop call quality echo noise complaint claim regulator privacy").split()
_RU = ("роуминг тариф баланс интернет роутер сим карта номер перенос счёт оплата возврат списание абонентская "
       "плата подписка пакет минуты скорость покрытие сигнал авария голосовая почта переадресация настройки "
       "модем пароль договор владелец паспорт офис доставка подключение отключение заграница поездка страна "
       "оператор сеть вышка установка мастер визит гарантия ремонт телефон устройство скидка акция бонус "
       "лимит кредит долг блокировка потеря кража сброс обновление телевидение канал кабель оптика линия "
       "звонок качество шум жалоба претензия").split()


def _vocabulary(rng: random.Random, size: int = 6000) -> tuple[list[str], list[str]]:
    """Words by frequency rank. Generated filler takes the top ranks (the function words of real text) and
    the telecom words sit at random ranks 100–3000, so a searched word is in about 0.5–15 % of the articles,
    as in a real knowledge base — not in most of them."""
    syllables = "ka lo mi ne tor vel san dri po qua ren sil ux bar fen gol hum ist jor".split()
    made = {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(size * 2)}
    filler = sorted(made)[:size]
    rng.shuffle(filler)
    found = []
    for real in (_EN, _RU):
        words = list(filler)
        for word in real:
            words.insert(rng.randint(100, 3000), word)
        found.append(words)
    return found[0], found[1]


def _zipf_weights(n: int) -> list[float]:
    return list(accumulate(1 / (rank + 10) for rank in range(n)))


def _text(rng: random.Random, words: list[str], weights: list[float], n: int) -> str:
    return " ".join(rng.choices(words, cum_weights=weights, k=n))


def _rows(rng: random.Random, ids: list[int], text_ids: list[int], start: int, vocab: dict) -> tuple[list, list]:
    articles, texts, now = [], [], utcnow()
    for article_id, text_id in zip(ids, text_ids, strict=True):
        lang = "ru" if (start + article_id) % 4 == 0 else "en"
        words, weights = vocab[lang]
        opened, attached, helpful = rng.randint(0, 40), rng.randint(0, 8), rng.randint(0, 4)
        articles.append({"id": article_id, "slug": f"{PREFIX}{article_id}", "status": "approved",
                         "visibility": "internal", "products": [], "created_by": "bench", "approved_by": "bench",
                         "approved_at": now, "opened": opened, "attached": attached, "helpful": helpful,
                         "usage_score": usage_score(opened, attached, helpful), "version": 1, "created_at": now,
                         "updated_at": now, "updated_by": "bench"})
        texts.append({"id": text_id, "article_id": article_id, "lang": lang,
                      "title": _text(rng, words, weights, rng.randint(3, 7)).capitalize(),
                      "body": _text(rng, words, weights, rng.randint(60, 140)),
                      "keywords": _text(rng, words, weights, 3), "updated_at": now})
    return articles, texts


def ensure_articles(url: str, count: int, *, seed: int = 7, progress=None) -> int:
    """Top the synthetic articles up to `count`; returns how many this call built."""
    with unit_of_work(url) as session:
        have = session.execute(text(f"SELECT COUNT(*) FROM kb_article WHERE slug LIKE '{PREFIX}%'")).scalar_one()
    missing = max(0, count - have)
    rng = random.Random(seed + have)
    en, ru = _vocabulary(random.Random(seed))
    vocab = {"en": (en, _zipf_weights(len(en))), "ru": (ru, _zipf_weights(len(ru)))}
    for done in range(0, missing, BATCH):
        size = min(BATCH, missing - done)
        with unit_of_work(url) as session:
            ids, text_ids = reserve_ids(session, "kb_article", size), reserve_ids(session, "kb_article_text", size)
            articles, texts = _rows(rng, ids, text_ids, have + done, vocab)
            bulk_insert(session, "kb_article", articles)
            bulk_insert(session, "kb_article_text", texts)
        if progress:
            progress("knowledge-base articles", size, missing)
    if missing:
        with unit_of_work(url) as session:
            session.execute(text("ANALYZE"))
    return missing


def _queries(rng: random.Random, rounds: int) -> list[str]:
    """One to three telecom words (the words agents type), a quarter in Russian."""
    return [" ".join(rng.sample(_RU if i % 4 == 0 else _EN, rng.randint(1, 3))) for i in range(rounds)]


def measure_search(session: Session, rounds: int, rng: random.Random, limit: int = 20) -> dict[str, float]:
    queries = _queries(rng, rounds)
    for typed in queries[:20]:  # warm: statements prepared, pages cached
        kb_search.search(session=session, actor=AGENT, query=typed, limit=limit)
    pending = iter(queries)
    seconds = timed(lambda: kb_search.search(session=session, actor=AGENT, query=next(pending), limit=limit),
                    len(queries))
    return {"kb_search_median_ms": statistics.median(seconds) * 1000, "kb_search_p95_ms": p95_ms(seconds)}


def measure(url: str, articles: int, rounds: int, rng: random.Random, progress=None) -> dict:
    built = ensure_articles(url, articles, progress=progress)
    with unit_of_work(url) as session:
        total = session.execute(text("SELECT COUNT(*) FROM kb_article")).scalar()
        found = measure_search(session, max(rounds, 200), rng)
        session.rollback()
    return found | {"kb_articles": total, "kb_articles_built": built}
