"""Synthetic customers in bulk: multilingual persons and organisations, organisation trees 1–8 levels deep,
a different billing structure, contracts and subscribers. Batched Core inserts, not row-by-row ORM."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select, text
from sqlmodel import Session, col

from crmterm.errors import NotFound
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, Role, require
from crmterm.services.directory import directory
from crmterm.store import ClientCategory, Contract, Party, Structure, StructureLink, Subscriber, utcnow
from crmterm.store.bulk import bulk_insert
from crmterm.store.search import bulk_party_load
from crmterm.store.tables import table_of
from crmterm.text import fold, search_key

_SURNAMES = [("Иванов", "Ivanov"), ("Смирнов", "Smirnov"), ("Кузнецов", "Kuznetsov"), ("Попов", "Popov"),
             ("Васильев", "Vasilyev"), ("Петров", "Petrov"), ("Соколов", "Sokolov"), ("Михайлов", "Mikhailov"),
             ("Новиков", "Novikov"), ("Фёдоров", "Fyodorov"), ("Морозов", "Morozov"), ("Волков", "Volkov"),
             ("Алексеев", "Alekseev"), ("Лебедев", "Lebedev"), ("Семёнов", "Semyonov"), ("Егоров", "Yegorov"),
             ("Павлов", "Pavlov"), ("Козлов", "Kozlov"), ("Степанов", "Stepanov"), ("Николаев", "Nikolaev"),
             ("Орлов", "Orlov"), ("Андреев", "Andreev"), ("Макаров", "Makarov"), ("Никитин", "Nikitin"),
             ("Захаров", "Zakharov"), ("Зайцев", "Zaitsev"), ("Соловьёв", "Solovyov"), ("Борисов", "Borisov")]
_MALE = [("Александр", "Alexander"), ("Дмитрий", "Dmitry"), ("Максим", "Maxim"), ("Сергей", "Sergey"),
         ("Андрей", "Andrey"), ("Алексей", "Alexey"), ("Артём", "Artyom"), ("Илья", "Ilya"), ("Кирилл", "Kirill"),
         ("Михаил", "Mikhail"), ("Никита", "Nikita"), ("Иван", "Ivan"), ("Егор", "Yegor"), ("Роман", "Roman")]
_FEMALE = [("Анна", "Anna"), ("Мария", "Maria"), ("Елена", "Elena"), ("Ольга", "Olga"), ("Наталья", "Natalya"),
           ("Татьяна", "Tatyana"), ("Ирина", "Irina"), ("Светлана", "Svetlana"), ("Юлия", "Yulia"),
           ("Екатерина", "Ekaterina"), ("Дарья", "Darya"), ("Алёна", "Alyona"), ("Ксения", "Ksenia")]
_ORG_WORDS = [("Северный", "Northern"), ("Альфа", "Alpha"), ("Вектор", "Vector"), ("Гранит", "Granite"),
              ("Меридиан", "Meridian"), ("Прогресс", "Progress"), ("Сфера", "Sphere"), ("Восток", "Vostok"),
              ("Технология", "Technology"), ("Логистика", "Logistics"), ("Энерго", "Energo"), ("Строй", "Stroy")]
_ORG_FORMS = [("ООО", "LLC"), ("АО", "JSC"), ("ИП", "Sole trader")]
_BRANCHES = [("филиал", "branch"), ("отделение", "division"), ("отдел", "department"), ("группа", "team"),
             ("участок", "site"), ("офис", "office"), ("склад", "warehouse"), ("цех", "workshop")]
BATCH = 5_000


@dataclass
class Counts:
    parties: int = 0
    links: int = 0
    contracts: int = 0
    subscribers: int = 0
    _next: dict = field(default_factory=dict)


def _person(rng: random.Random) -> tuple[str, dict]:
    surname = rng.choice(_SURNAMES)
    female = rng.random() < 0.5
    first = rng.choice(_FEMALE if female else _MALE)
    ru = f"{surname[0]}{'а' if female else ''} {first[0]}"
    en = f"{surname[1]}{'a' if female else ''} {first[1]}"
    return ru, {"ru": ru, "en": en}


def _organisation(rng: random.Random) -> tuple[str, dict]:
    form, a, b = rng.choice(_ORG_FORMS), rng.choice(_ORG_WORDS), rng.choice(_ORG_WORDS)
    ru, en = f"{form[0]} «{a[0]}-{b[0]}»", f"{a[1]}-{b[1]} {form[1]}"
    return ru, {"ru": ru, "en": en}


class Generator:
    """Writes parties in id order it assigns itself, so links and contracts need no read-back."""

    def __init__(self, session: Session, seed: int, on: date) -> None:
        self.session, self.rng, self.on = session, random.Random(seed), on
        self.counts = Counts()
        self.rows: dict[str, list[dict]] = {"party": [], "link": [], "contract": [], "subscriber": []}
        self.next_id = {m: (session.execute(select(func.max(m.id))).scalar() or 0) + 1
                        for m in (Party, Contract, Subscriber)}
        self.structures = {code: _structure_id(session, code) for code in ("organisation", "billing")}
        self.categories = dict(session.execute(select(col(ClientCategory.code), col(ClientCategory.id))).all())
        self.now = utcnow()

    def _id(self, model) -> int:
        value = self.next_id[model]
        self.next_id[model] = value + 1
        return value

    def party(self, kind: str, name: str, names: dict, category: str, *, lead: bool = False,
              email: str | None = None) -> int:
        pid = self._id(Party)
        self.rows["party"].append({
            "id": pid, "kind": kind, "is_lead": lead, "display_name": name, "names": names,
            "category_id": self.categories.get(category), "status": "active", "email": email, "phone": None,
            "name_key": fold(name), "search_key": search_key(name, *names.values(), email), "version": 1,
            "created_at": self.now, "updated_at": self.now, "updated_by": "synthetic", "merged_into_id": None})
        self.counts.parties += 1
        return pid

    def link(self, structure: str, parent: int | None, child: int) -> None:
        self.rows["link"].append({"structure_id": self.structures[structure], "parent_id": parent,
                                  "child_id": child, "valid_from": date(2020, 1, 1), "valid_to": None})
        self.counts.links += 1

    def contract(self, payer: int, phones: int) -> None:
        cid = self._id(Contract)
        self.rows["contract"].append({"id": cid, "number": f"C-{cid:08d}", "payer_party_id": payer,
                                      "start_date": date(2020, 1, 1) , "end_date": None, "status": "active",
                                      "version": 1, "created_at": self.now, "updated_at": self.now,
                                      "updated_by": "synthetic"})
        self.counts.contracts += 1
        for _n in range(phones):
            number = f"+79{self.rng.randrange(10**9):09d}"
            self.rows["subscriber"].append({
                "id": self._id(Subscriber), "contract_id": cid, "number": number, "number_rev": number[1:][::-1],
                "service": "mobile", "status": "active", "version": 1, "created_at": self.now,
                "updated_at": self.now, "updated_by": "synthetic"})
            self.counts.subscribers += 1

    def flush(self, force: bool = False) -> None:
        if not force and len(self.rows["party"]) < BATCH:
            return
        tables = (("party", Party), ("link", StructureLink), ("contract", Contract), ("subscriber", Subscriber))
        for key, model in tables:
            if self.rows[key]:
                bulk_insert(self.session, table_of(model).name, self.rows[key])
                self.rows[key] = []

    def private_customer(self) -> None:
        name, names = _person(self.rng)
        lead = self.rng.random() < 0.03
        pid = self.party("person", name, names, "vip" if self.rng.random() < 0.02 else "b2c", lead=lead,
                         email=f"{fold(names['en']).replace(' ', '.')}{self.rng.randrange(1000)}@mail.example")
        if not lead:
            self.contract(pid, 1 + int(self.rng.random() < 0.4) + int(self.rng.random() < 0.15))

    def organisation_tree(self, budget: int) -> int:
        """An organisation with branches 1–8 levels deep; returns how many parties it made."""
        depth, made = self.rng.randint(1, 8), 0
        name, names = _organisation(self.rng)
        root = self.party("organisation", name, names, "b2b")
        self.link("organisation", None, root)
        self.link("billing", None, root)
        self.contract(root, self.rng.randint(1, 3))
        level, made = [root], 1
        for step in range(1, depth):
            next_level = []
            for parent in level:
                for _n in range(self.rng.randint(1, 3)):
                    if made >= budget:
                        return made
                    word = self.rng.choice(_BRANCHES)
                    child = self.party("organisation", f"{name} — {word[0]} {step}.{made}",
                                       {"ru": f"{names['ru']} — {word[0]} {step}.{made}",
                                        "en": f"{names['en']} — {word[1]} {step}.{made}"}, "b2b")
                    self.link("organisation", parent, child)
                    # billing: some branches pay for themselves (roots there), others through the root
                    self.link("billing", None if self.rng.random() < 0.3 else root, child)
                    self.contract(child, self.rng.randint(0, 2))
                    next_level.append(child)
                    made += 1
            level = next_level
        return made


def _structure_id(session: Session, code: str) -> int:
    found = _find_structure(session, code)
    if found is None:
        entry = directory.create_entry(session=session, actor=Actor("synthetic", Role.ADMIN), kind="structures",
                                       values={"code": code, "labels": {"en": code.capitalize()}})
        found = _find_structure(session, entry.values["code"])
    if found is None:
        raise NotFound(_("Structure"), code)
    return found


def _find_structure(session: Session, code: str) -> int | None:
    return session.execute(select(col(Structure.id)).where(col(Structure.code) == code)).scalar()


def generate(*, session: Session, actor: Actor, customers: int, seed: int = 1,
             progress: Callable[[int], None] | None = None) -> Counts:
    """`customers` parties: ~85 % private customers, the rest organisations in trees."""
    require(actor, Permission.CUSTOMERS_IMPORT)
    generator = Generator(session, seed, utcnow().date())
    with bulk_party_load(session.connection()):
        _fill(generator, customers, progress)
    _fix_sequences(session)
    return generator.counts


def _fill(generator: Generator, customers: int, progress: Callable[[int], None] | None) -> None:
    while generator.counts.parties < customers:
        before = generator.counts.parties
        if generator.rng.random() < 0.97:
            generator.private_customer()
        else:
            generator.organisation_tree(min(customers - generator.counts.parties, generator.rng.randint(1, 40)))
        generator.flush()
        if progress:
            progress(generator.counts.parties - before)
    generator.flush(force=True)


def _fix_sequences(session: Session) -> None:
    """Explicit ids were written; PostgreSQL's sequences must continue after them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("party", "contract", "subscriber", "structure_link"):
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"GREATEST((SELECT MAX(id) FROM {table}), 1))"))
