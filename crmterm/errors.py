"""One error hierarchy for every layer; the CLI and the TUI render it the same way (`str(error)`)."""

from __future__ import annotations


class CrmError(Exception):
    """A user or domain error: shown as one line, never as a traceback."""

    # When True, the unit of work commits what the service wrote before raising
    # (e.g. a failed login must persist its failure counter).
    keep_changes = False

    def __init__(self, message: str) -> None:
        from crmterm.services.text import bounded

        message = bounded(str(message))  # quotes of the input cut to ~80 characters (services/text)
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(CrmError):
    def __init__(self, kind: str, key: object) -> None:
        from crmterm.i18n import _
        from crmterm.services.text import shorten

        super().__init__(_("{kind} '{key}' not found").format(kind=kind, key=shorten(key)))
        self.kind, self.key = kind, key


class ValidationError(CrmError):
    """Bad value of one field; `field` lets a form put the message next to it."""

    def __init__(self, field: str | None, message: str) -> None:
        from crmterm.services.text import bounded, one_line

        message = bounded(one_line(message))  # it may quote what was typed: a line break must not split it
        field = bounded(field) if field else field
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
        super().__init__(message)  # cut down here, before the file name (which may be long) goes in front
        where = ":".join(str(p) for p in (file, line) if p is not None)
        self.file, self.line, self.detail = file, line, self.message
        if where:
            self.message = f"{where}: {self.message}"
            self.args = (self.message,)
