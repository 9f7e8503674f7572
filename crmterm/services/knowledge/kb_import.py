"""`crmterm kb import DIR`: Markdown files with YAML front matter, one language version per file.

    ---
    slug: roaming-activation        # or `id:`; files with the same slug are one article's language versions
    title: Turning roaming on
    lang: en                        # en | ru
    keywords: [roaming, abroad]     # a list or a comma-separated string
    topics: [roaming]               # topic or group codes
    products: [roaming]             # service / tariff codes
    visibility: public              # internal | public
    status: approved                # draft | review | approved | retired
    ---
    Markdown body …

Every file is checked before anything is written; any error (reported as file:line) writes nothing. A
re-import updates articles by slug and leaves unchanged versions alone.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel
from sqlmodel import Session, select

from crmterm.errors import ConfigError, CrmError, ValidationError
from crmterm.i18n import _
from crmterm.input_files import DEFAULT_MAX_MB, read_text
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.directory import yaml_lines
from crmterm.services.knowledge import kb
from crmterm.services.knowledge.kb import ArticleDraft
from crmterm.store import KbArticle, KbArticleText, Topic
from crmterm.store.kb import KB_STATUSES

KEYS = {"id", "slug", "title", "lang", "keywords", "topics", "products", "visibility", "status"}


class ImportReport(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    files: int = 0


class _Parsed(BaseModel):
    file: str
    draft: ArticleDraft
    status: str | None


def import_dir(*, session: Session, actor: Actor, directory: Path, source: str = "cli") -> ImportReport:
    require(actor, Permission.KB_EDIT)
    files = sorted(Path(directory).rglob("*.md")) if Path(directory).is_dir() else []
    if not files:
        raise ConfigError(_("no Markdown (*.md) files"), file=str(directory))
    parsed, errors = [], []
    topics = set(session.exec(select(Topic.code)).all())
    for path in files:
        try:
            parsed.append(_parse(path, topics))
        except ConfigError as error:
            errors.append(str(error))
    seen: dict = {}
    for item in parsed:
        key = (item.draft.slug, item.draft.lang)
        if key in seen:
            errors.append(f"{item.file}:1: " + _("same slug and language as {other}").format(other=seen[key]))
        seen[key] = item.file
    if any(p.status in ("approved", "retired") for p in parsed) and not actor.can(Permission.KB_APPROVE):
        errors.append(_("only approvers may import approved or retired articles"))
    if errors:
        raise ConfigError("\n".join(errors))
    report = ImportReport(files=len(parsed))
    for item in parsed:
        _write(session, actor, item, report, source)
    return report


def _parse(path: Path, topics: set[str]) -> _Parsed:
    try:
        text = read_text(path, DEFAULT_MAX_MB * 2**20)
    except ValidationError as exc:
        raise ConfigError(exc.detail) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(getattr(exc, "strerror", None) or _("not UTF-8 text"), file=str(path)) from None
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---" or "---" not in (s.strip() for s in lines[1:]):
        raise ConfigError(_("no front matter: the file must start with a --- line"), file=str(path), line=1)
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    meta = yaml_lines.parse("\n".join(lines[1:end]), file=str(path), offset=1)
    if not isinstance(meta, dict):
        raise ConfigError(_("the front matter must be a mapping"), file=str(path), line=2)
    return _Parsed(file=str(path), status=_status(path, meta),
                   draft=_draft(path, meta, "\n".join(lines[end + 1:]).strip("\n") + "\n", topics))


def _line(meta, key: str) -> int:
    return meta.line_of(key) if hasattr(meta, "line_of") else 1


def _status(path: Path, meta) -> str | None:
    status = meta.get("status")
    if status is not None and status not in KB_STATUSES:
        raise ConfigError(_("status: one of {values}").format(values=", ".join(KB_STATUSES)), file=str(path),
                          line=_line(meta, "status"))
    return status


def _codes(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return [str(v) for v in value]
    raise ValueError


def _draft(path: Path, meta, body: str, topics: set[str]) -> ArticleDraft:
    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(f"{key}: {message}" if key else message, file=str(path), line=_line(meta, key))

    unknown = sorted(set(meta) - KEYS)
    if unknown:
        raise fail(unknown[0], _("unknown key (expected one of {keys})").format(keys=", ".join(sorted(KEYS))))
    values: dict = {"slug": str(meta.get("slug") or meta.get("id") or ""), "body": body}
    for key in ("title", "lang", "visibility"):
        if meta.get(key) is not None:
            values[key] = str(meta[key])
    for key in ("keywords", "topics", "products"):
        try:
            values[key] = _codes(meta.get(key))
        except ValueError:
            raise fail(key, _("a list of words or a comma-separated string")) from None
    missing = [t for t in values["topics"] if t not in topics]
    if missing:
        raise fail("topics", _("unknown topic {code}").format(code=", ".join(missing)))
    if "title" not in values:
        raise fail("title", _("required"))
    try:
        draft = ArticleDraft(**values)
        kb.check_draft(draft)
    except ValidationError as error:
        raise fail(error.field or "", error.detail) from None
    return draft


def _write(session: Session, actor: Actor, item: _Parsed, report: ImportReport, source: str) -> None:
    article = session.exec(select(KbArticle).where(KbArticle.slug == item.draft.slug)).first()
    if article is not None and _same(session, article, item.draft):
        report.unchanged += 1
    else:
        try:
            kb.save_article(session=session, actor=actor, draft=item.draft, source=source)
        except CrmError as error:
            raise ConfigError(str(error), file=item.file) from None
        if article is None:
            report.created += 1
        else:
            report.updated += 1
    if item.status:
        _move_to(session, actor, item.draft.slug, item.status, source)


def _same(session: Session, article: KbArticle, draft: ArticleDraft) -> bool:
    found = session.exec(select(KbArticleText).where(KbArticleText.article_id == article.id,
                                                     KbArticleText.lang == draft.lang)).first()
    current = kb.read(session, article)
    return (found is not None and (found.title, found.body, found.keywords) == (
        draft.title.strip(), draft.body, " ".join(dict.fromkeys(k.strip() for k in draft.keywords if k.strip())))
        and current.visibility == draft.visibility and current.products == sorted(set(draft.products))
        and current.topics == sorted(set(draft.topics)))


def _move_to(session: Session, actor: Actor, slug: str, status: str, source: str) -> None:
    """The status the file asks for, by the shortest way the life-cycle allows (retired → draft → approved)."""
    current = session.exec(select(KbArticle.status).where(KbArticle.slug == slug)).one()
    for step in _path(current, status):
        kb.set_status(session=session, actor=actor, key=slug, status=step, source=source)


def _path(start: str, goal: str) -> list[str]:
    paths: dict[str, list[str]] = {start: []}
    pending = [start]
    while pending and goal not in paths:
        node = pending.pop(0)
        for following in sorted(kb.TRANSITIONS[node]):
            if following not in paths:
                paths[following] = paths[node] + [following]
                pending.append(following)
    return paths[goal]
