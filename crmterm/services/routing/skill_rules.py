"""Skills as configuration: the `skills` directory area, and the required-skills mapping (skill code ->
minimum level 1–5) that queues and route steps carry. Checked through `ref_exists`, so config import
validates a queue or route against the skills of the file being imported as well as the database."""

from __future__ import annotations

from typing import Any

from crmterm.errors import ValidationError
from crmterm.i18n import N_, _
from crmterm.services.directory.kinds import FieldSpec, Kind
from crmterm.services.directory.validation import RefExists
from crmterm.store import Skill
from crmterm.store.skills import LEVELS, SKILL_KINDS

SKILL_KIND = Kind("skills", N_("Skills"), Skill, (
    FieldSpec("kind", N_("Kind"), "choice", choices=SKILL_KINDS,
              choice_labels=(N_("Language"), N_("Product"), N_("Topic group")), default="language"),
))


def requirement_problem(raw: Any, ref_exists: RefExists) -> str | None:
    """What is wrong with a required-skills mapping, or None when it is a mapping of known skills to levels."""
    if raw in (None, ""):
        return None
    if not isinstance(raw, dict):
        return _("a mapping of skill code to minimum level, e.g. {example}").format(example="{en: 3}")
    for code, level in raw.items():
        if not ref_exists("skills", str(code)):
            return _("unknown skill '{code}'").format(code=code)
        if isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
            return _("skill '{code}': the level is a whole number from 1 to 5").format(code=code)
    return None


def clean_requirements(field: str, raw: Any, ref_exists: RefExists) -> dict[str, int]:
    """The mapping, from a document or from the text an admin form holds (`en: 3, ru: 2` or JSON)."""
    if isinstance(raw, str):
        raw = _parsed(field, raw)
    problem = requirement_problem(raw, ref_exists)
    if problem:
        raise ValidationError(field, problem)
    return {str(code): int(level) for code, level in (raw or {}).items()}


def refine_queue(document: dict, ref_exists: RefExists) -> dict:
    return {**document, "skills": clean_requirements("skills", document.get("skills"), ref_exists)}


def meets(have: dict[str, int], need: dict[str, int]) -> bool:
    """Whether skills `have` (code -> level) satisfy the requirements `need` (code -> minimum level)."""
    return all(have.get(code, 0) >= level for code, level in need.items())


def _parsed(field: str, text: str) -> Any:
    import yaml  # here: only admin forms send text

    if text.strip() and not text.strip().startswith("{"):
        text = "{" + text + "}"  # `en: 3, ru: 2` typed on one line reads as a flow mapping
    try:
        return yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise ValidationError(field, _("not valid YAML: {e}").format(e=str(error).splitlines()[0])) from None
