"""`crmterm asset …` and `crmterm service-contract …` (issue 27, item 6) through Typer's runner on both
databases, and customer search finding a customer by an asset's serial number."""

from __future__ import annotations

import json

import pytest
from helpers import act

from crmterm.services.customers import customer_search
from test_cli import cli_on


@pytest.fixture
def cli(demo_url, tmp_path):
    return cli_on(demo_url, tmp_path / "home")


def test_assets_are_added_found_and_listed_as_json(cli):
    made = cli("asset", "add", "ab 12", "--model", "router", "--customer", "20", "--installed", "2025-06-01",
               "--address", "Lenina 2", "--json")
    assert made.exit_code == 0, made.output
    assert json.loads(made.stdout)[0]["warranty_until"] == "2027-06-01"
    found = json.loads(cli("asset", "find", "AB12", "--json").stdout)
    assert [(a["serial"], a["party_id"]) for a in found] == [("AB12", 20)]
    twice = cli("asset", "add", "AB12", "--model", "x", "--customer", "20")
    assert twice.exit_code == 1 and twice.stderr.startswith("error: ") and len(twice.stderr.splitlines()) == 1
    assert [a["serial"] for a in json.loads(cli("asset", "list", "--customer", "20", "--json").stdout)] == ["AB12"]


def test_contracts_are_imported_from_yaml_and_csv_all_or_nothing(cli, tmp_path):
    yaml_file = tmp_path / "contracts.yaml"
    yaml_file.write_text("service_contracts:\n  - {code: Y-1, customer: 20, topics: [home_internet], response: 2h,"
                         " resolution: 8h, valid_from: 2025-01-01, credit_per_breach: 100}\n")
    imported = cli("service-contract", "import", str(yaml_file), "--json")
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)[0]["resolution_minutes"] == 480
    csv_file = tmp_path / "contracts.csv"
    csv_file.write_text("code,customer,topics,response,valid_from\nC-1,21,home_internet;mobile_data,45m,2025-01-01\n"
                        "C-2,21,nonesuch,1h,2025-01-01\n")
    wrong = cli("service-contract", "import", str(csv_file))
    assert wrong.exit_code == 1 and wrong.stderr.startswith("error: contract 2: ")
    assert cli("service-contract", "show", "C-1").exit_code == 1  # nothing of the file was kept
    shown = json.loads(cli("service-contract", "show", "Y-1", "--json").stdout)[0]
    assert shown["topics"] == ["home_internet"] and shown["credit_per_breach"] == "100.00"
    said = cli("service-contract", "entitlement", "20", "--topic", "home_slow")
    assert said.exit_code == 0 and "Y-1" in said.stdout


def test_customer_search_finds_the_owner_by_serial(demo_url, people):
    hits = act(demo_url, customer_search.search, people["agent"], query="rt-home-0002")
    assert [hit.matched for hit in hits][:1] == ["serial"]
