"""The role matrix's declared table, service part (issue 27): everyone who reads the installed base, contracts,
warranties and entitlements holds service.read (agents, supervisors, admins, auditors); recording equipment and
writing contracts and warranty lengths needs service.write; the demo service data is loaded with the demo
(config.import)."""

from __future__ import annotations

from datetime import date

from role_matrix_calls import Entry, World
from sqlmodel import Session

from crmterm.services.accounts.permissions import Actor
from crmterm.services.accounts.permissions import Permission as P
from crmterm.services.reports import reports_qos
from crmterm.services.service import (
    assets,
    contract_import,
    entitlement,
    service_contracts,
    service_demo,
    warranties,
)
from crmterm.services.service.service_contracts import ContractDraft


def _asset(session: Session, world: World, actor: Actor | None) -> dict:
    made = assets.add_asset(session=session, actor=world.people["supervisor"], serial="MATRIX-A1", model="router",
                            party_id=world.party, installed_on=date(2025, 1, 1))
    return {"asset_id": made.id}


CONTRACT_ENTRIES = [
    Entry(assets.add_asset, P.SERVICE_WRITE, lambda s, w, a: {"serial": "MATRIX-A2", "model": "router",
                                                              "party_id": w.party, "installed_on": date(2025, 1, 1)}),
    Entry(assets.find_asset, P.SERVICE_READ, lambda s, w, a: {"serial": "RT-NORD-0001"}),
    Entry(assets.get_asset, P.SERVICE_READ, _asset),
    Entry(assets.list_assets, P.SERVICE_READ, lambda s, w, a: {"party_id": w.party}),
    Entry(warranties.set_warranty, P.SERVICE_WRITE, lambda s, w, a: {"model": "router", "months": 36}),
    Entry(warranties.list_warranties, P.SERVICE_READ),
    Entry(service_contracts.add_contract, P.SERVICE_WRITE, lambda s, w, a: {"draft": ContractDraft(
        code="MATRIX-C1", customer=w.party, response="1h", valid_from=date(2025, 1, 1))}),
    Entry(service_contracts.get_contract, P.SERVICE_READ, lambda s, w, a: {"code": "SVC-GOLD-NORD"}),
    Entry(service_contracts.list_contracts, P.SERVICE_READ, lambda s, w, a: {"party_id": w.party}),
    Entry(contract_import.import_contracts, P.SERVICE_WRITE, lambda s, w, a: {"text": (
        f"- {{code: MATRIX-C2, customer: {w.party}, response: 2h, valid_from: 2025-01-01}}\n")}),
    Entry(entitlement.entitlement, P.SERVICE_READ, lambda s, w, a: {"party_id": w.party,
                                                                    "topic": "home_no_connection"}),
    Entry(reports_qos.qos_report, P.REPORTS_READ),
    Entry(reports_qos.qos_breaches, P.REPORTS_READ, lambda s, w, a: {"contract": "SVC-GOLD-NORD"}),
    Entry(service_demo.seed_demo_service, P.CONFIG_IMPORT),
]

CONTRACT_EXEMPT = {
    "service_contracts.save_contract": "the write of service_contracts.add_contract and "
                                       "contract_import.import_contracts after their service.write check",
}
