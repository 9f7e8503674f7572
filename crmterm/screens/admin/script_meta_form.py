"""The script editor's form for the script itself (the outline's root): name per language, topics, start
node, and the decisions — per kind one rule a line, `CEL condition -> value`, the first that holds wins."""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Label, TextArea

from crmterm.i18n import N_, _
from crmterm.screens.admin.script_doc import decision_text, parse_decisions
from crmterm.screens.admin.script_node_form import FormBase, field, text_input
from crmterm.widgets.safe_text import plain

DECISION_LABELS = {"priority": N_("priority"), "queue": N_("queue"), "topic": N_("topic")}


class ScriptForm(FormBase):
    """`collect` gives the script-level keys (name, topics, start, decisions) to merge into the document."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.languages: list[str] = ["en", "ru"]

    async def load(self, document: dict, node_ids: list[str]) -> None:
        from textual.suggester import SuggestFromList

        self.languages = document.get("languages") or ["en", "ru"]
        await self.remove_children()
        title = plain(_("Script {code}").format(code=document.get("code", "")))
        widgets: list[Widget] = [Label(title, classes="sa-section")]
        for lang in self.languages:
            widgets += field(_("Name ({lang})").format(lang=lang), f"name-{lang}",
                             text_input(document.get("name", {}).get(lang)))
        widgets += field(_("Topics (codes, comma-separated)"), "topics",
                         text_input(", ".join(document.get("topics", []))))
        widgets += field(_("Start node (empty: the first)"), "start",
                         text_input(document.get("start"), suggester=SuggestFromList(node_ids, case_sensitive=True)))
        widgets.append(Label(_("Decisions: one rule a line, 'condition -> value'"), classes="sa-section"))
        for kind in ("priority", "queue", "topic"):
            area = TextArea(decision_text(document.get("decisions", {}).get(kind, [])), soft_wrap=True,
                            classes="sa-decisions", compact=True)
            widgets += field(_("Decide the {kind}").format(kind=_(DECISION_LABELS[kind])), f"decide-{kind}", area)
        await self.mount_all(widgets)
        self.loaded()

    def collect(self) -> tuple[dict, dict[str, str]]:
        errors: dict[str, str] = {}
        name = {lang: self.value(f"name-{lang}") for lang in self.languages if self.value(f"name-{lang}")}
        if not name:
            errors[f"name-{self.languages[0]}"] = _("required")
        topics = [code.strip() for code in self.value("topics").split(",") if code.strip()]
        decisions = {}
        for kind in ("priority", "queue", "topic"):
            rules, problem = parse_decisions(self.value(f"decide-{kind}"))
            if problem:
                errors[f"decide-{kind}"] = problem
            if rules:
                decisions[kind] = rules
        meta = {"name": name, "topics": topics, "start": self.value("start") or None, "decisions": decisions}
        return meta, errors
