"""The `billing:` section of config.yaml: which adapter, how long a call may take, how long an answer is kept.

    billing:
      adapter: sql            # demo (the default) | sql | an installed plugin's name
      url: postgresql+psycopg://billing@bis/bis
      timeout_seconds: 1
      cache_seconds: 30
      queries:                # the sql adapter's named queries, bound parameters only (see sql_adapter)
        account: "SELECT balance, credit_limit, currency FROM accounts WHERE customer = :customer"
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crmterm.errors import ConfigError
from crmterm.settings import config_section


@dataclass(frozen=True)
class BillingConfig:
    adapter: str = "demo"
    url: str | None = None
    timeout_seconds: float = 1.0
    cache_seconds: float = 30.0
    queries: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)  # anything else, for a plugin


def _seconds(raw: dict, key: str, default: float) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 3600:
        raise ConfigError(f"billing.{key}: expected seconds between 0 and 3600, got {value!r}")
    return float(value)


def parse(raw: dict) -> BillingConfig:
    queries = raw.get("queries") or {}
    if not isinstance(queries, dict) or not all(isinstance(v, str) for v in queries.values()):
        raise ConfigError("billing.queries: expected a mapping of name to SQL text")
    known = {"adapter", "url", "timeout_seconds", "cache_seconds", "queries"}
    return BillingConfig(adapter=str(raw.get("adapter") or "demo"), url=raw.get("url"),
                         timeout_seconds=_seconds(raw, "timeout_seconds", 1.0),
                         cache_seconds=_seconds(raw, "cache_seconds", 30.0), queries=dict(queries),
                         options={k: v for k, v in raw.items() if k not in known})


def from_file() -> BillingConfig:
    return parse(config_section("billing"))
