"""One error hierarchy for every layer; the CLI and the TUI render it the same way (`str(error)`)."""

from __future__ import annotations

from crmterm.text import one_line


class CrmError(Exception):
    """A user or domain error: shown as one line, never as a traceback."""

    # When True, the unit of work commits what the service wrote before raising
    # (e.g. a failed login must persist its failure counter).
    keep_changes = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(CrmError):
    def __init__(self, kind: str, key: object) -> None:
        from crmterm.i18n import _

        super().__init__(_("{kind} '{key}' not found").format(kind=kind, key=one_line(key)))
        self.kind, self.key = kind, key


class ValidationError(CrmError):
    """Bad value of one field; `field` lets a form put the message next to it."""

    def __init__(self, field: str | None, message: str) -> None:
        message = one_line(message)  # it may quote what was typed: a line break there must not split it
        super().__init__(f"{field}: {message}" if field else message)
        self.field, self.detail = field, message


class Conflict(CrmError):
    """Optimistic-lock failure or a duplicate key."""


class PermissionDenied(CrmError):
    pass


class AuthenticationFailed(CrmError):
    keep_changes = True


class ConfigError(CrmError):
    """Bad configuration file: carries file and line so the message can point at it."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        where = ":".join(str(p) for p in (file, line) if p is not None)
        super().__init__(f"{where}: {message}" if where else message)
        self.file, self.line, self.detail = file, line, message


def refuse_nul(field: str, value: str | None) -> None:
    """Free text (contact and inquiry texts, comments, notes, problems, string and text attribute values) is
    refused, not cleaned, when it holds NUL: PostgreSQL cannot store it (SQLite would, and the two backends
    must agree), and silently dropping characters would change what the user typed. Other control characters
    are kept and shown as symbols (`crmterm.text.visible`); names and codes refuse them all (`has_control`)."""
    from crmterm.i18n import _

    if value and "\x00" in value:
        raise ValidationError(field, _("NUL characters are not allowed"))
