"""Knowledge: the knowledge base (articles, search, usage, import/export) and call scripts (authoring,
runs, config)."""

from crmterm.services.inquiries import registration_extras
from crmterm.services.knowledge import registration_guidance

# Registration writes the new inquiries' script walks and articles through this (inquiries/registration_extras
# says why it is handed in rather than imported).
registration_extras.set_writer(registration_guidance.write)
