"""Knowledge: the knowledge base (articles, search, usage, import/export) and call scripts (authoring,
runs, config).

Public: kb, kb_export, kb_import, kb_search, kb_usage, script_admin, script_config, script_runs, scripts;
internal: registration_guidance. Faces and other domains import only the public modules (pyproject's protected
contracts check it).
"""

from crmterm.services.inquiries import registration_extras
from crmterm.services.knowledge import registration_guidance

# Registration writes the new inquiries' script walks and articles through this (inquiries/registration_extras
# says why it is handed in rather than imported).
registration_extras.set_writer(registration_guidance.write)
