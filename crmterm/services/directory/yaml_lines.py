"""YAML loading that remembers line numbers, so config errors can point at the offending line."""

from __future__ import annotations

from pathlib import Path

import yaml

from crmterm.errors import ConfigError
from crmterm.i18n import _
from crmterm.input_files import check_file
from crmterm.text import one_line


class LineDict(dict):
    """A mapping from YAML with the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):  # noqa: D102 - PyYAML hook
        mapping = LineDict(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {k.value: k.start_mark.line + 1 for k, _v in node.value if hasattr(k, "value")}
        seen: set = set()
        for key_node, _v in node.value:
            if key_node.value in seen:
                raise ConfigError(f"duplicate key '{one_line(key_node.value)}'", line=key_node.start_mark.line + 1)
            seen.add(key_node.value)
        return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping)


MAX_BYTES = 20 * 1024 * 1024  # a whole call centre's configuration is far below this
MAX_VALUES = 1_000_000  # values after expanding aliases: "billion laughs" stays a few hundred bytes of YAML


def load(path: Path):
    try:
        check_file(path, None)  # a device or FIFO would never end or never start
        if path.stat().st_size > MAX_BYTES:
            raise ConfigError(_("the file is larger than {n} MB").format(n=MAX_BYTES // 2**20), file=str(path))
        with path.open("rb") as handle:
            text = handle.read(MAX_BYTES + 1).decode("utf-8")
    except OSError as exc:
        raise ConfigError(exc.strerror or str(exc), file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(_("not UTF-8 text (byte {n})").format(n=exc.start), file=str(path)) from None
    try:
        document = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except RecursionError:
        raise ConfigError(_("nested too deeply"), file=str(path)) from None
    except (ValueError, OverflowError) as exc:  # PyYAML's int() of 5000 digits, a date like 2026-02-30
        raise ConfigError(_("a value cannot be read: {why}").format(why=str(exc).split(";")[0]),
                          file=str(path)) from None
    except ConfigError as exc:
        raise ConfigError(exc.detail, file=str(path), line=exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ConfigError(f"YAML syntax: {exc.problem or exc.context}", file=str(path),
                          line=mark.line + 1 if mark else None) from None
    except yaml.reader.ReaderError as exc:  # a control character such as NUL: not a MarkedYAMLError
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else None
        raise ConfigError(_("character {c} is not allowed in YAML").format(c=f"U+{exc.character:04X}")
                          if isinstance(exc.character, int) else str(exc.reason), file=str(path), line=line) from None
    if _expanded_size(document, {}) > MAX_VALUES:
        raise ConfigError(_("too many values once aliases are expanded (more than {n})").format(n=MAX_VALUES),
                          file=str(path))
    return document


def _expanded_size(value, sizes: dict) -> int:
    """How many values `value` holds with every alias expanded; a node shared by aliases is counted once per
    use but measured once (`sizes` by id), so this takes time linear in the YAML text, not in the expansion.
    The depth is bounded by the parser's own recursion."""
    if not isinstance(value, dict | list):
        return 1
    if id(value) not in sizes:
        children = value.values() if isinstance(value, dict) else value
        sizes[id(value)] = 1 + sum(_expanded_size(child, sizes) for child in children)
    return sizes[id(value)]


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=110)


def parse(text: str, *, file: str, offset: int = 0):
    """YAML from a string that sits `offset` lines into `file` (e.g. a Markdown file's front matter); lines in
    errors and in the LineDicts are lines of the file."""
    try:
        document = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except ConfigError as exc:
        raise ConfigError(exc.detail, file=file, line=(exc.line or 0) + offset) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ConfigError(f"YAML syntax: {exc.problem or exc.context}", file=file,
                          line=mark.line + 1 + offset if mark else None) from None
    _shift(document, offset)
    return document


def _shift(node, offset: int) -> None:
    if isinstance(node, LineDict):
        node.line += offset
        node.key_lines = {k: v + offset for k, v in node.key_lines.items()}
    for child in node.values() if isinstance(node, dict) else node if isinstance(node, list) else ():
        _shift(child, offset)
