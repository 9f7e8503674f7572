"""YAML loading that remembers line numbers, so config errors can point at the offending line."""

from __future__ import annotations

from pathlib import Path

import yaml

from crmterm.errors import ConfigError


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
                raise ConfigError(f"duplicate key '{key_node.value}'", line=key_node.start_mark.line + 1)
            seen.add(key_node.value)
        return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping)


def load(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(exc.strerror or str(exc), file=str(path)) from None
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except ConfigError as exc:
        raise ConfigError(exc.detail, file=str(path), line=exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ConfigError(f"YAML syntax: {exc.problem or exc.context}", file=str(path),
                          line=mark.line + 1 if mark else None) from None
    except UnicodeDecodeError:
        raise ConfigError("not UTF-8 text", file=str(path)) from None


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=110)
