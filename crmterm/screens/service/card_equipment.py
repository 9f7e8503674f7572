"""The customer card's Equipment tab: the installed base at the customer (serial, model, installation day,
warranty) and the service contracts that name it — loaded in its own worker after the card, like the orders
(they are the service domain's); empty for a user without service.read."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from crmterm.errors import CrmError, PermissionDenied
from crmterm.i18n import N_, _, fmt_date
from crmterm.services.service import assets, service_contracts
from crmterm.services.service.assets import AssetRead
from crmterm.services.service.entitlement import duration_text
from crmterm.services.service.service_contracts import ContractRead
from crmterm.text import visible
from crmterm.widgets.host import WidgetPart
from crmterm.widgets.safe_text import plain

COLUMNS = (N_("Serial"), N_("Model"), N_("Installed"), N_("Warranty"), N_("Address"))


def warranty_text(asset: AssetRead) -> str:
    if asset.warranty_until is None:
        return _("none")
    day = fmt_date(asset.warranty_until)
    return _("until {day}").format(day=day) if asset.under_warranty else _("ended {day}").format(day=day)


def contract_line(contract: ContractRead) -> str:
    """Code · response / resolution · hours and validity · name."""
    targets = " / ".join(duration_text(m) if m else "—" for m in (contract.response_minutes,
                                                                  contract.resolution_minutes))
    ends = _(" until {day}").format(day=fmt_date(contract.valid_to)) if contract.valid_to else ""
    state = "" if contract.in_force else _(" (not in force)")
    return f"{contract.code} · {targets} · {contract.calendar or '24×7'}{ends}{state} · {contract.name}"


class EquipmentPanel(Vertical, WidgetPart):  # WidgetPart after Vertical, whose CSS the panel keeps
    party_id: int | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="card-service-contracts", markup=False)
        yield DataTable(id="card-assets", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*(_(c) for c in COLUMNS))

    def load(self, party_id: int | None) -> None:
        self.party_id = party_id
        self.query_one(DataTable).clear()
        self.query_one(Static).update("")
        if party_id is not None:
            self._read(party_id)

    @work(thread=True, exclusive=True, group="card-equipment")
    def _read(self, party_id: int) -> None:
        try:
            found = self.app.gateway.call(assets.list_assets, party_id=party_id)
            contracts = self.app.gateway.call(service_contracts.list_contracts, party_id=party_id)
        except PermissionDenied:
            found, contracts = [], []
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._show, party_id, found, contracts)

    def _show(self, party_id: int, found: list[AssetRead], contracts: list[ContractRead]) -> None:
        if party_id != self.party_id:  # another customer was opened meanwhile
            return
        lines = [_("Service contracts:") + " " + (_("none") if not contracts else "")]
        lines += [f"  {contract_line(c)}" for c in contracts]
        self.query_one(Static).update(visible("\n".join(lines)))
        table = self.query_one(DataTable)
        table.clear()
        for asset in found:
            cells = (asset.serial, asset.model_name or asset.model, fmt_date(asset.installed_on),
                     warranty_text(asset), asset.address)
            table.add_row(*(plain(v) for v in cells), key=str(asset.id))

