"""A business function's name for people: a plugin may give translations or one text for every language
(services/inquiries/functions.Param and business_function take `dict[str, str] | str`)."""

from __future__ import annotations

from crmterm.services.inquiries import functions
from crmterm.services.inquiries.functions import Param, business_function


def test_a_function_named_in_one_text_is_described_with_that_text(monkeypatch):
    @business_function(labels="Balance SMS", params=[Param("phone", labels="Phone"), Param("note")])
    def send(*, session, actor, inquiry_id, params):
        return None

    class Plugin:  # what an installed entry point of group crmterm.functions gives
        @staticmethod
        def load():
            return send

    monkeypatch.setattr(functions, "registered", lambda: {"send": Plugin})
    described = functions.describe("send")
    assert described.label == "Balance SMS"  # it was dropped from the palette: a text has no translations
    assert [(p.name, p.label) for p in described.params] == [("phone", "Phone"), ("note", "note")]
