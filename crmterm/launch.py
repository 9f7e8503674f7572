"""The `crmterm` command. Typed alone it opens the terminal UI without loading the command-line tree (every
CLI module and the services behind it, 0.3 s); with any argument it is the full CLI (crmterm.cli)."""

from __future__ import annotations

import sys


def main() -> None:
    if len(sys.argv) == 1:
        from crmterm.errors import CrmError
        from crmterm.i18n import set_language
        from crmterm.settings import resolve

        try:
            settings = resolve()
        except CrmError as error:
            sys.exit(f"error: {error}")
        set_language(settings.language)
        from crmterm.app import make_app

        make_app(settings).run()
        return
    from crmterm.cli import app

    app(prog_name="crmterm")
