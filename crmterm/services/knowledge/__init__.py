"""Knowledge: the knowledge base (articles, search, usage, import/export) and call scripts (authoring,
runs, config).

Public: kb, kb_export, kb_import, kb_search, kb_usage, responses (the response library), script_admin,
script_runs, scripts; internal: registration_guidance (registration's writer), response_kinds and script_config
(registered with the directory). Faces and other domains import only the public modules (pyproject's protected
contracts check it).
"""

from crmterm.services.directory import registry
from crmterm.services.inquiries import registration_extras
from crmterm.services.knowledge import registration_guidance, response_kinds, script_config

# Registration writes the new inquiries' script walks and articles through this (inquiries/registration_extras
# says why it is handed in rather than imported).
registration_extras.set_writer(registration_guidance.write)
# Config as code reads the section from the registry rather than importing it (directory/registry.py says why).
registry.register_section("scripts", script_config.ScriptsSection())
registry.register_kinds("knowledge", response_kinds.RESPONSE_KINDS)
