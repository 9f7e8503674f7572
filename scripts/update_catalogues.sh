#!/usr/bin/env bash
# Re-extract UI messages and merge them into the catalogues (run from anywhere; translate ru afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 --no-location --sort-output --width 120 --project crmterm \
  -o locales/crmterm.pot . >/dev/null 2>&1
for lang in en ru; do
  po="locales/$lang/LC_MESSAGES/crmterm.po"
  if [ -f "$po" ]; then
    pybabel update -D crmterm -d locales -l "$lang" -i locales/crmterm.pot --no-fuzzy-matching --ignore-obsolete --width 120 >/dev/null 2>&1
  else
    pybabel init -D crmterm -d locales -l "$lang" -i locales/crmterm.pot >/dev/null 2>&1
  fi
done
echo "catalogues updated: $(grep -c '^msgid "' locales/crmterm.pot) messages"
