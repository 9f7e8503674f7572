"""A readable reason for a snapshot mismatch: the screen lines whose text differs (or, when the text is the same,
the lines whose styles differ). pytest-textual-snapshot only writes an HTML report, which a CI log never shows;
this puts the difference into the assertion message itself."""

from __future__ import annotations

import difflib
import html
import pickle
import re
from collections import defaultdict
from pathlib import Path

_TEXT = re.compile(r'<text class="([^"]+)" x="([\d.]+)"[^>]*clip-path="url\(#terminal(?:-\d+)?-line-(\d+)\)">'
                   r"([^<]*)</text>")
_CELL, _LEFT = 12.2, 12.2  # Rich's SVG: a cell is 12.2 px wide, the first column starts one cell in
_STYLE = re.compile(r"\.terminal(?:-\d+)?-(r\d+) \{([^}]*)\}")


def screen_lines(svg: str) -> tuple[list[str], list[str]]:
    """The text of each screen line, and each line with the style of its runs spelled out."""
    styles = {name: body.strip() for name, body in _STYLE.findall(svg)}
    text: dict[int, list[tuple[float, str]]] = defaultdict(list)
    styled: dict[int, list[tuple[float, str]]] = defaultdict(list)
    for css, x, line, content in _TEXT.findall(svg):
        run = html.unescape(content).replace("\xa0", " ")
        text[int(line)].append((float(x), run))
        style = " ".join(styles.get(c.split("-")[-1], c) for c in css.split())
        styled[int(line)].append((float(x), f"{run!r}{{{style}}}"))
    rows = range(max(text, default=-1) + 1)
    return [_placed(text[n]) for n in rows], [" ".join(r for _x, r in sorted(styled[n])) for n in rows]


def _placed(runs: list[tuple[float, str]]) -> str:
    """Runs put at their columns (Rich leaves blank cells out of the SVG's text)."""
    line = ""
    for x, run in sorted(runs):
        line = line.ljust(round((x - _LEFT) / _CELL)) + run
    return line.rstrip()


def explain(expected: str, actual: str, limit: int = 60) -> str:
    want_text, want_styled = screen_lines(expected)
    got_text, got_styled = screen_lines(actual)
    if want_text != got_text:
        head, want, got = "screen text differs", want_text, got_text
    else:
        head, want, got = "same text, styles differ", want_styled, got_styled
    diff = list(difflib.unified_diff(want, got, "snapshot", "actual", n=1, lineterm=""))
    return "\n".join([head, *diff[:limit]] + (["…"] if len(diff) > limit else []))


def explain_report(report: Path) -> str:
    """The explanation from the data pytest-textual-snapshot pickled for its report."""
    try:
        data = pickle.loads(report.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError):
        return "snapshot mismatch (no report data to explain it)"
    expected, actual = data[1], data[2]
    if not expected or expected == "None":
        return "no snapshot on disk yet: run with --snapshot-update and look at the SVG"
    return explain(expected, actual)
