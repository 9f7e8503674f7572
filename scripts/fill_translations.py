"""Fill a catalogue from a {msgid: translation} module: `python scripts/fill_translations.py ru FILE.py`.

Used to apply a batch of reviewed translations; entries already translated are left alone.
"""

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

language, source = sys.argv[1], sys.argv[2]
translations = runpy.run_path(source)["TRANSLATIONS"]
path = Path(__file__).resolve().parents[1] / "locales" / language / "LC_MESSAGES" / "crmterm.po"
with path.open("rb") as handle:
    catalog = read_po(handle, locale=language)
for message in catalog:
    if message.id and message.id in translations and not any(message.string if isinstance(message.string, tuple)
                                                             else [message.string]):
        message.string = translations[message.id]
        message.flags.discard("fuzzy")
with path.open("wb") as handle:
    write_po(handle, catalog, width=110, omit_header=False)
missing = [m.id for m in catalog if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])]
print(f"{path}: {len(missing)} untranslated", *missing[:20], sep="\n  ")
