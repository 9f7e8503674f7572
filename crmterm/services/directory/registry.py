"""Every configurable area in one registry: the directory's own areas and those each domain declares next to
its rules (topics, routes, SLA, automation). Domains import `kinds` (FieldSpec, Kind) and never this module;
the directory service, config as code and the admin screens read the registry."""

from __future__ import annotations

from crmterm.errors import NotFound
from crmterm.i18n import _
from crmterm.services.directory.kinds import DIRECTORY_KINDS, Kind
from crmterm.services.routing.automation_kinds import AUTOMATION_KINDS
from crmterm.services.routing.route_kinds import ROUTE_KINDS
from crmterm.services.sla.sla_kinds import ESCALATION_KINDS, SLA_KINDS
from crmterm.services.topics.topic_kinds import TOPIC_KINDS

# In the order areas refer to each other: topics after the directory, routes after topics and queues,
# regulations after topics, escalations after queues/priorities/mailing lists, automation after all of them.
KINDS: dict[str, Kind] = {**DIRECTORY_KINDS, **TOPIC_KINDS, **ROUTE_KINDS, **SLA_KINDS, **ESCALATION_KINDS,
                          **AUTOMATION_KINDS}


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise NotFound(_("directory area"), name) from None
