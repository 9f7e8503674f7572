"""Example business function: text the customer their balance, through the notification outbox.

An SMS leaves as an e-mail to an e-mail-to-SMS gateway (`<digits>@<gateway domain>`, the way many
operators' gateways take messages), so the outbox's delivery, retries and `crmterm notify list` carry it.
The gateway's domain is CRMTERM_SMS_GATEWAY (default `sms.gateway.invalid`, which delivers nowhere).

A plugin like this one lives in any installed package and is registered in its pyproject.toml:

    [project.entry-points."crmterm.functions"]
    send_balance_sms = "crmterm.plugins.balance_sms:send_balance_sms"

From an automation rule, with the balance a billing system sent in its event:
    - function: send_balance_sms
      params: {balance: "=event.data.balance", currency: RUB}
"""

from __future__ import annotations

import os
from decimal import Decimal

from sqlmodel import Session, col, select

from crmterm.errors import ValidationError
from crmterm.i18n import current_language
from crmterm.services.accounts.permissions import Actor
from crmterm.services.customers.phones import to_e164
from crmterm.services.inquiries.functions import Param, business_function
from crmterm.services.sla import notifications
from crmterm.store import Contact, Inquiry, Subscriber

GATEWAY_ENV = "CRMTERM_SMS_GATEWAY"
TEXTS = {"en": "Your balance is {amount} {currency}.", "ru": "Ваш баланс: {amount} {currency}."}
NO_NUMBER = {"en": "the contact has no service number: give a phone",
             "ru": "у контакта нет номера абонента: укажите телефон"}


@business_function(labels={"en": "Send balance SMS", "ru": "Отправить SMS с балансом"}, params=[
    Param("balance", {"en": "Balance", "ru": "Баланс"}, "decimal", required=True),
    Param("currency", {"en": "Currency", "ru": "Валюта"}, "choice", default="RUB", choices=("RUB", "USD", "EUR")),
    Param("phone", {"en": "Phone (empty: the contact's service number)",
                    "ru": "Телефон (пусто: номер абонента из контакта)"}),
    Param("language", {"en": "Language of the SMS", "ru": "Язык SMS"}, "choice", choices=tuple(TEXTS)),
])
def send_balance_sms(*, session: Session, actor: Actor, inquiry_id: int, params: dict) -> str:
    language = params.get("language") or current_language()
    language = language if language in TEXTS else "en"
    number = to_e164(params["phone"]) if params.get("phone") else _service_number(session, inquiry_id)
    if number is None:
        raise ValidationError("phone", NO_NUMBER[language])
    amount = Decimal(params["balance"]).quantize(Decimal("0.01"))
    text = TEXTS[language].format(amount=amount, currency=params.get("currency") or "RUB")
    gateway = os.environ.get(GATEWAY_ENV, "sms.gateway.invalid")
    queued = notifications.notify(session=session, event="message",
                                  recipients=[f"email:{number.lstrip('+')}@{gateway}"],
                                  data={"subject": "", "text": text}, inquiry_id=inquiry_id, language=language,
                                  key=f"balance_sms:{inquiry_id}:{number}:{amount}:{params.get('currency')}")
    return f"SMS {number}: {text}" + ("" if queued else " (already queued)")


def _service_number(session: Session, inquiry_id: int) -> str | None:
    return session.exec(select(Subscriber.number).join(Contact, col(Contact.subscriber_id) == Subscriber.id)
                        .join(Inquiry, col(Inquiry.contact_id) == Contact.id).where(Inquiry.id == inquiry_id)).first()
