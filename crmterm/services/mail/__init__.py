"""E-mail: intake from a mailbox (Maildir or IMAP) into contacts and inquiries, placed by intake rules (a
directory area), replies threaded by the inquiry's token; agents' replies out through the notification
outbox.

Public: intake, mailboxes, replies; internal: mail_kinds (registered with the directory), mail_parsing,
mail_threads, sender_match. Faces and other domains import only the public modules (pyproject's protected
contracts check it).
"""

from crmterm.services.directory import registry
from crmterm.services.mail import mail_kinds

registry.register_kinds("mail", mail_kinds.MAIL_KINDS)
