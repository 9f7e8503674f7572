"""Write a ReportTable to a file in one of the export formats; the CLI and the Reports tab call `write_report`.

Every writer renders the whole document in memory and this module writes it atomically: a temporary file in
the target folder, then a rename, so a failure never leaves a half-written report behind.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session

from crmterm.errors import CrmError, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.reports.exports_text import render_csv, render_json
from crmterm.services.reports.report_table import ReportTable

FORMATS: tuple[str, ...] = ("xlsx", "html", "rtf", "csv", "json")


def _renderer(fmt: str) -> Callable[[ReportTable], bytes]:
    # imported lazily so `crmterm report --format csv` does not load xlsxwriter or jinja2
    if fmt == "xlsx":
        from crmterm.services.reports.exports_xlsx import render_xlsx
        return render_xlsx
    if fmt == "html":
        from crmterm.services.reports.exports_html import render_html
        return render_html
    if fmt == "rtf":
        from crmterm.services.reports.exports_rtf import render_rtf
        return render_rtf
    return {"csv": render_csv, "json": render_json}[fmt]


def as_document(table: ReportTable) -> dict:
    """The report as `--json` writes it (name, title, params, columns, rows, totals): what the API answers."""
    return json.loads(render_json(table))


def write_report(table: ReportTable, fmt: str, out: Path) -> None:
    """Render `table` as `fmt` (one of FORMATS) into `out`, replacing an existing file only on success."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValidationError("format", _("unknown export format '{format}'; expected one of: {formats}")
                              .format(format=fmt, formats=", ".join(FORMATS)))
    _write_atomically(Path(out), _renderer(fmt)(table))


def export_report(*, session: Session, actor: Actor, table: ReportTable, fmt: str, out: Path,
                  shown_as: str | None = None, source: str = "tui") -> None:
    """`write_report` and an audit entry (what was exported, where to, how many rows — never the rows).
    `shown_as` names the destination when `out` is a temporary file (`-`: standard output)."""
    require(actor, Permission.REPORTS_READ)
    write_report(table, fmt, out)
    audit.record(session, actor, "export", "report", table.name, source=source,
                 after={"title": table.title, "format": fmt.lower(), "file": shown_as or str(out),
                        "rows": len(table.rows), "params": dict(table.params)})


def _write_atomically(out: Path, content: bytes) -> None:
    temp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.tmp")
    try:
        # O_EXCL: never follow or reuse someone else's file; mode 0o666 lets the umask decide, like open()
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())  # the rename must never publish a file whose bytes are still in flight
        os.replace(temp, out)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise CrmError(_("cannot write {path}: {reason}")
                       .format(path=out, reason=error.strerror or error)) from None
