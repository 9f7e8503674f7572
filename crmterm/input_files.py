"""Files a user hands to crmterm (imports, documents, attachments, backups): regular files, or `-` for
standard input, read only up to a size limit.

A path may name anything: `/dev/zero` reads without end until memory runs out, and opening a FIFO blocks
until some other process writes to it. So a path is looked at (stat, which never blocks) before it is
opened, and whatever is read is read up to the limit plus one byte, so a file that grows meanwhile or an
endless standard input stops there too."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.text import one_line

STDIN = "-"
DEFAULT_MAX_MB = 100  # config.yaml `input_max_mb`
UNLIMITED = None  # database backups: as large as the database they copy


def _size(max_bytes: int) -> str:
    return _("{n} MB").format(n=max_bytes // 2**20) if max_bytes >= 2**20 else _("{n} KB").format(
        n=max(1, max_bytes // 1024))


def too_large(name: object, max_bytes: int) -> ValidationError:
    return ValidationError(None, _("{file}: larger than the limit of {size}").format(
        file=one_line(name), size=_size(max_bytes)))


def check_file(path: str | Path, max_bytes: int | None) -> Path:
    """`path` if it is a regular file (a link to one is fine) of at most `max_bytes`; else a one-line error."""
    file = Path(path).expanduser()
    try:
        found = file.stat()
    except OSError as error:
        raise ValidationError(None, f"{one_line(path)}: {error.strerror or error}") from None
    if not stat.S_ISREG(found.st_mode):
        what = _("a folder") if stat.S_ISDIR(found.st_mode) else _("a device, pipe or socket")
        raise ValidationError(None, _("{file}: not a regular file ({what})").format(file=one_line(path), what=what))
    if max_bytes is not None and found.st_size > max_bytes:
        raise too_large(path, max_bytes)
    return file


def read_bytes(path: str | Path, max_bytes: int) -> bytes:
    """The content of a regular file, or of standard input for `-`, refused above `max_bytes`."""
    if str(path) == STDIN:
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        file = check_file(path, max_bytes)
        try:
            with file.open("rb") as handle:
                data = handle.read(max_bytes + 1)
        except OSError as error:
            raise ValidationError(None, f"{one_line(path)}: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise too_large(_("standard input") if str(path) == STDIN else path, max_bytes)
    return data


def read_text(path: str | Path, max_bytes: int) -> str:
    """Like read_bytes, decoded as UTF-8 (a byte-order mark is dropped)."""
    try:
        return read_bytes(path, max_bytes).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(None, _("{file}: not UTF-8 text").format(file=one_line(path))) from None
