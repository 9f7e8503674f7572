"""Where crmterm keeps data, configuration, attachments and logs.

`CRMTERM_HOME=DIR` puts everything under DIR; otherwise platformdirs decides. Nothing is created at import
time: callers ask for a directory and `ensure()` it when they are about to write.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import platformdirs

APP_NAME = "crmterm"


@dataclass(frozen=True)
class Locations:
    data: Path
    config: Path
    attachments: Path
    logs: Path

    @property
    def database_file(self) -> Path:
        return self.data / "crmterm.db"

    @property
    def config_file(self) -> Path:
        return self.config / "config.yaml"

    @property
    def keymap_file(self) -> Path:
        return self.config / "keymap.yaml"


def locations(environ: os._Environ | dict | None = None) -> Locations:
    env = os.environ if environ is None else environ
    home = env.get("CRMTERM_HOME")
    if home:
        root = Path(home).expanduser()
        return Locations(root / "data", root / "config", root / "attachments", root / "logs")
    data = Path(platformdirs.user_data_dir(APP_NAME))
    return Locations(
        data=data,
        config=Path(platformdirs.user_config_dir(APP_NAME)),
        attachments=data / "attachments",
        logs=Path(platformdirs.user_log_dir(APP_NAME)),
    )


def ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def resource_dir(name: str) -> Path:
    """A folder shipped with the package (`seed`, `locales`): inside the wheel, or the source checkout."""
    packaged = resources.files("crmterm") / "_data" / name
    if packaged.is_dir():
        return Path(str(packaged))
    if name == "seed":
        return Path(__file__).resolve().parents[1] / "data" / "seed"
    return Path(__file__).resolve().parents[1] / name
