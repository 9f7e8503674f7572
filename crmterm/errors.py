"""One error hierarchy for every layer; the CLI and the TUI render it the same way (`str(error)`)."""

from __future__ import annotations

from crmterm.text import bounded, control_character, one_line, shorten


class CrmError(Exception):
    """A user or domain error: shown as one line, never as a traceback."""

    # When True, the unit of work commits what the service wrote before raising
    # (e.g. a failed login must persist its failure counter).
    keep_changes = False

    def __init__(self, message: str) -> None:
        message = bounded(str(message))  # quotes of the input cut to ~80 characters (crmterm/text)
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(CrmError):
    def __init__(self, kind: str, key: object) -> None:
        from crmterm.i18n import _

        super().__init__(_("{kind} '{key}' not found").format(kind=kind, key=shorten(key)))
        self.kind, self.key = kind, key


class ValidationError(CrmError):
    """Bad value of one field; `field` lets a form put the message next to it."""

    def __init__(self, field: str | None, message: str) -> None:
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


def refuse_nul(field: str, value: str | None) -> None:
    """Free text (contact and inquiry texts, comments, notes, problems, string and text attribute values) is
    refused, not cleaned, when it holds NUL: PostgreSQL cannot store it (SQLite would, and the two backends
    must agree), and silently dropping characters would change what the user typed. Other control characters
    are kept and shown as symbols (`crmterm.text.visible`); names and codes refuse them all (`refuse_control`)."""
    from crmterm.i18n import _

    if value and "\x00" in value:
        raise ValidationError(field, _("NUL characters are not allowed"))


def refuse_control(field: str, value: object, *, multiline: bool = False) -> None:
    """Refuse names, codes, labels and other single-line text (or, `multiline`, descriptions and bodies) that
    hold control characters, naming the field and the character: every service and config import check
    their text with this, so no path stores what a terminal would act on."""
    from crmterm.i18n import _

    found = control_character(value, multiline=multiline) if isinstance(value, str) else None
    if found is not None:
        raise ValidationError(field, _("control character U+{code:04X} is not allowed").format(code=ord(found)))


def refuse_controls_within(field: str, value: object) -> None:
    """`refuse_control` (multi-line rules) for every text in a YAML/JSON tree, keys too; the field named in
    the error is the path to the text (`steps.2.label`). Config import runs it over every entry, so no section
    can store an escape sequence whatever its own checks; single-line fields are checked again by their type."""
    if isinstance(value, dict):
        for key, item in value.items():
            refuse_control(field, key, multiline=True)
            refuse_controls_within(f"{field}.{key}" if field else str(key), item)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value, 1):
            refuse_controls_within(f"{field}.{index}", item)
    else:
        refuse_control(field, value, multiline=True)
