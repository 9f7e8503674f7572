"""`crmterm filter …` on both databases: save with every kind of parameter, share, edit, show as JSON, one-line
errors, and a group operation over everything a filter matches (count first, --yes applies)."""

from __future__ import annotations

import json

from test_cli_workflow import DISPUTE, as_user  # noqa: F401  (the fixture)


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_save_share_edit_and_apply_a_filter(as_user):  # noqa: F811
    for amount in ("9000", "50"):
        document = json.dumps({"channel": "phone", "place": "cc_msk", "inquiries": [
            DISPUTE | {"values": DISPUTE["values"] | {"amount": amount}}]})
        _json(as_user("agent", "contact", "register", "-", "--json", input=document))
    saved = _json(as_user("supervisor", "filter", "save", "Big", "--topic", "billing", "--subtopics", "--channel",
                          "phone", "--attr", "amount>=1000", "--created-from", "2020-01-01", "--share", "l1",
                          "--json"))
    assert saved["where"]["attributes"] == [{"code": "amount", "op": ">=", "value": "1000"}]
    seen = _json(as_user("agent", "filter", "list", "--json"))
    assert [(f["name"], f["owner"], f["editable"]) for f in seen] == [("Big", "supervisor", False)]
    refused = as_user("agent", "filter", "edit", "Big", "--rename", "Mine")
    assert refused.exit_code == 1 and refused.stderr.startswith("error: ")
    edited = _json(as_user("supervisor", "filter", "edit", "Big", "--place", "cc_msk", "--json"))
    assert (edited["where"]["place"], edited["where"]["channel"]) == ("cc_msk", "phone")  # the rest stays
    listed = _json(as_user("agent", "inquiry", "list", "--filter", "Big", "--json"))  # shared with the agent
    assert len(listed["rows"]) == 1
    counted = _json(as_user("supervisor", "filter", "apply", "Big", "priority", "low", "--json"))
    assert len(counted["matched"]) == 1 and not counted["applied"]
    applied = _json(as_user("supervisor", "filter", "apply", "Big", "priority", "low", "--yes", "--json"))
    assert applied["applied"] and [r["ok"] for r in applied["results"]] == [True]
    wrong = as_user("supervisor", "filter", "save", "x", "--attr", "amount contains 5")
    assert wrong.exit_code == 1 and wrong.stderr.strip() == (
        "error: attributes: amount is a decimal attribute: 'contains' does not fit it (use = != < <= > >=)")
    assert as_user("supervisor", "filter", "delete", "Big").exit_code == 0
    assert _json(as_user("agent", "filter", "list", "--json")) == []
