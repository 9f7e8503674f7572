"""Backup and restore of the embedded SQLite database, and schema upgrades, as audited admin operations; the
copying itself is in store/backup (SQLite's online backup API). PostgreSQL is backed up with pg_dump /
pg_restore (README).

The audit entry of a backup is written after the copy (the file does not contain it); the entry of a restore
is written into the restored database, after it was migrated to the current schema."""

from __future__ import annotations

from pathlib import Path

from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.store import backup as store_backup
from crmterm.store import migrate
from crmterm.store.db import in_transaction

BackupInfo = store_backup.BackupInfo


def backup(*, url: str, actor: Actor, target: Path, overwrite: bool = False, source: str = "cli") -> BackupInfo:
    require(actor, Permission.DATABASE_ADMIN)
    made = store_backup.backup(url, target, overwrite=overwrite)
    _record(url, actor, "backup", made, source)
    return made


def restore(*, url: str, actor: Actor, file: Path, source: str = "cli") -> BackupInfo:
    """Replace the database with `file`; a file from an older schema is migrated after the restore."""
    require(actor, Permission.DATABASE_ADMIN)
    done = store_backup.restore(url, file, known=migrate.known_revisions(), head=migrate.head())
    if done.revision != migrate.head():
        migrate.upgrade(url, backup=False)
    _record(url, actor, "restore", store_backup.BackupInfo(Path(file), done.revision, done.size), source)
    return done


def upgrade(*, url: str, actor: Actor, source: str = "cli") -> tuple[str | None, str, Path | None]:
    """`crmterm db upgrade`: migrate to this version's schema (an existing SQLite file is copied aside first).
    Returns the revision before, the one after and the copy. database.admin, checked before the database is
    even looked at."""
    require(actor, Permission.DATABASE_ADMIN)
    before = migrate.current(url)
    saved = migrate.upgrade(url)
    if before != migrate.head():
        after = {"from": before, "to": migrate.head(), "backup": str(saved) if saved else None}
        in_transaction(url, lambda session: audit.record(session, actor, "upgrade", "database", migrate.head(),
                                                         after=after, source=source))
    return before, migrate.head(), saved


def _record(url: str, actor: Actor, action: str, info: BackupInfo, source: str) -> None:
    after = {"file": str(info.path), "revision": info.revision, "size": info.size}
    in_transaction(url, lambda session: audit.record(session, actor, action, "database", str(info.path),
                                                     after=after, source=source))
