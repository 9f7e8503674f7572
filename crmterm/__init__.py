"""crmterm: a contact-center CRM for the terminal."""

__version__ = "0.1.0"
