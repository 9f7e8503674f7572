"""Skills, queues and routes as directory areas: the generic directory service, config as code and the admin
forms handle them; a route's steps and transitions are checked by route_checks, the skills queues and steps
require by skill_rules."""

from __future__ import annotations

from crmterm.i18n import N_
from crmterm.services.directory.kinds import FieldSpec, Kind
from crmterm.services.routing import route_checks, skill_rules
from crmterm.store import Queue, Route

ROUTE_KINDS: dict[str, Kind] = {k.name: k for k in (
    skill_rules.SKILL_KIND,  # before queues and routes, which require skills
    Kind("queues", N_("Queues"), Queue, (
        FieldSpec("members", N_("Members (logins)"), "refs", ref="users", default=()),
        FieldSpec("groups", N_("Member user groups"), "refs", ref="user_groups", default=()),
        FieldSpec("admins", N_("Queue administrators (logins)"), "refs", ref="users", default=()),
        FieldSpec("skills", N_("Required skills (YAML: skill: minimum level)"), "yaml", default={}),
    ), refine=skill_rules.refine_queue, in_use=route_checks.queue_in_use),
    Kind("routes", N_("Routes"), Route, (
        FieldSpec("topics", N_("Topics served (and everything below them)"), "refs", ref="topics", default=()),
        FieldSpec("steps", N_("Steps (YAML)"), "document", required=True, default=[]),
        FieldSpec("transitions", N_("Transitions (YAML)"), "document", default=[]),
    ), refine=route_checks.refine_route, check=route_checks.check_route),
)}
