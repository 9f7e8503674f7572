"""Phone numbers in E.164, with the reason when a number is refused.

phonenumbers is imported by the functions that parse: every command imports this module, and most never
see a phone number (its import is some 5 % of a `crmterm customer search` by name)."""

from __future__ import annotations

import unicodedata

from crmterm.errors import ValidationError
from crmterm.i18n import _

DEFAULT_REGION = "RU"


def to_e164(raw: str, field: str = "phone", region: str = DEFAULT_REGION) -> str:
    import phonenumbers

    try:
        number = phonenumbers.parse(str(raw), region)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(field, _("not a phone number: {v} ({why})").format(v=raw, why=error._msg)) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(field, _("not a valid phone number: {v}").format(v=raw))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def digits(raw: str) -> str:
    """The decimal digits of `raw` as ASCII ("²" is no digit: `isdigit` would keep it and `int` refuse it)."""
    return "".join(str(unicodedata.decimal(ch)) for ch in str(raw) if ch.isdecimal())


def significant_digits(raw: str, region: str = DEFAULT_REGION) -> str:
    """The digits a stored E.164 number ends with: "8 916 100-00-01" (a national trunk prefix) gives
    9161000001; anything that is not a valid number gives its digits as typed (a suffix)."""
    import phonenumbers

    try:
        number = phonenumbers.parse(str(raw), region)
    except phonenumbers.NumberParseException:
        return digits(raw)
    return phonenumbers.national_significant_number(number) if phonenumbers.is_valid_number(number) else digits(raw)


def reversed_digits(raw: str) -> str:
    """Suffix search becomes a prefix (range) search on an ordinary index."""
    return digits(raw)[::-1]
