"""Backup and restore of the embedded SQLite database with SQLite's online backup API: a consistent copy while
agents keep working (readers and writers just wait for a page step). PostgreSQL is backed up with its own tools
(pg_dump / pg_restore, see README); asking for it here says so instead of doing something half-right."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from crmterm.errors import CrmError
from crmterm.i18n import _
from crmterm.store.db import create_private, dispose_all, sqlite_path

PAGES_PER_STEP = 1024  # other connections get the database between steps


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    revision: str | None
    size: int


def _database(url: str) -> Path:
    path = sqlite_path(url)
    if path is None:
        raise CrmError(_("backup and restore here are for SQLite; for PostgreSQL use pg_dump -Fc and "
                         "pg_restore (README, section Backup)"))
    return path


def _revision(path: Path) -> str | None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise CrmError(_("{file} is not a crmterm database: {why}").format(file=path, why=error)) from None
    return row[0] if row else None


def backup(url: str, target: Path, *, overwrite: bool = False) -> BackupInfo:
    """Copy the live database to `target` (through a temporary file, renamed when complete)."""
    source = _database(url)
    if not source.exists():
        raise CrmError(_("no database at {file}").format(file=source))
    if target.exists() and not overwrite:
        raise CrmError(_("{file} exists; give --force to replace it").format(file=target))
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.unlink(missing_ok=True)
        create_private(partial)  # a backup holds everything the database does
        with sqlite3.connect(source, timeout=30) as live, sqlite3.connect(partial) as copy:
            live.backup(copy, pages=PAGES_PER_STEP)
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as error:
        partial.unlink(missing_ok=True)
        raise CrmError(_("cannot write {file}: {why}").format(file=target, why=error)) from None
    return BackupInfo(target, _revision(target), target.stat().st_size)


def restore(url: str, source: Path, *, known: set[str], head: str | None) -> BackupInfo:
    """Replace the live database's content with `source`. A file from a newer schema (a revision this
    version does not know) is refused before anything is touched; the current content is saved aside first."""
    target = _database(url)
    if not source.is_file():
        raise CrmError(_("no such file: {file}").format(file=source))
    revision = _revision(source)
    if revision is not None and revision not in known:
        raise CrmError(_("{file} is from a newer schema ({rev}); this crmterm knows up to {head}: upgrade "
                         "crmterm first").format(file=source, rev=revision, head=head))
    saved = None
    if target.exists():
        saved = backup(url, target.with_name(f"{target.name}.before-restore.bak"), overwrite=True)
    dispose_all()  # this process's pooled connections must not keep the old pages
    try:
        with sqlite3.connect(source) as backup_file, sqlite3.connect(target, timeout=30) as live:
            backup_file.backup(live, pages=PAGES_PER_STEP)
    except sqlite3.Error as error:
        where = _(" (the previous content is in {file})").format(file=saved.path) if saved else ""
        raise CrmError(_("restore failed: {why}").format(why=error) + where) from None
    return BackupInfo(target, revision, target.stat().st_size)
