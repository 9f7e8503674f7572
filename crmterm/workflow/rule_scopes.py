"""Which names a CEL rule reads from its context, as opposed to the names its macros bind.

The cel library reports the variable of a comprehension macro (`x` in `[1].exists_one(x, x == 1)`) among the
variables an expression reads, and gives no syntax tree to tell them apart; so a valid rule was refused as
"unknown variable 'x'". This module scans the (already compiled, so valid) text: a name is bound inside the
parentheses of `.all`, `.exists`, `.exists_one`, `.map` or `.filter` whose first argument it is, and free
everywhere else — `x` used after the macro's closing parenthesis is still an unknown variable.
"""

from __future__ import annotations

import re

MACROS = frozenset({"all", "exists", "exists_one", "map", "filter"})
_KEYWORDS = frozenset({"true", "false", "null", "in"})
_TOKEN = re.compile(r"""
    (?P<string>[rRbB]{0,2}(?:\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'))
  | (?P<number>\.?\d[\w.]*)
  | (?P<name>[A-Za-z_]\w*)
  | (?P<punct>\S)
""", re.VERBOSE)


def _tokens(expression: str) -> list[tuple[str | None, str]]:
    """(kind, text) of each token; strings and numbers are kept only so their insides are never names."""
    return [(found.lastgroup, found.group()) for found in _TOKEN.finditer(expression)]


def free_names(expression: str) -> set[str]:
    """Names the expression reads from its context: neither bound by a macro around them, nor a field
    (`inquiry.attrs.x`), nor a function (`size(x)`), nor a keyword."""
    tokens = _tokens(expression)
    scopes: list[tuple[int, str]] = []  # (parenthesis depth, bound name), innermost last
    depth, free = 0, set()
    for index, (kind, text) in enumerate(tokens):
        before = tokens[index - 1][1] if index else ""
        after = tokens[index + 1][1] if index + 1 < len(tokens) else ""
        if text == "(" and kind == "punct":
            depth += 1
            bound = _bound_name(tokens, index)
            if bound:
                scopes.append((depth, bound))
        elif text == ")" and kind == "punct":
            scopes = [scope for scope in scopes if scope[0] < depth]
            depth -= 1
        elif kind == "name" and before != "." and after != "(" and text not in _KEYWORDS \
                and not any(name == text for _depth, name in scopes):
            free.add(text)
    return free


def _bound_name(tokens: list[tuple[str | None, str]], open_at: int) -> str | None:
    """The variable a macro call opening at `open_at` binds: `. MACRO ( NAME ,`."""
    if open_at < 2 or open_at + 2 >= len(tokens):
        return None
    (_dot_kind, dot), (macro_kind, macro) = tokens[open_at - 2], tokens[open_at - 1]
    (name_kind, name), (_comma_kind, comma) = tokens[open_at + 1], tokens[open_at + 2]
    if dot == "." and macro_kind == "name" and macro in MACROS and name_kind == "name" and comma == ",":
        return name
    return None
