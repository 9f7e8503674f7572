"""`POST /calls`: screen pop. A telephony system says a call rings for an agent; that agent's workspace (logged
in anywhere) opens the caller in the Register tab within a second (services/inquiries/incoming_calls)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import Field

from crmterm.api.deps import Services, services
from crmterm.api.errors import ERRORS
from crmterm.api.routes._shapes import Body
from crmterm.services.inquiries import incoming_calls
from crmterm.services.inquiries.incoming_calls import CallRead

router = APIRouter(prefix="/calls", tags=["calls"], responses=ERRORS)


class CallIn(Body):
    number: Annotated[str, Field(max_length=64, description="The caller's number, in any usual notation.")]
    agent_login: Annotated[str, Field(max_length=64, description="The agent the call rings for.")]
    call_id: Annotated[str, Field(max_length=128, description="The telephony system's id of the call: a "
                                                              "repeat for the same agent pops nothing.")]


@router.post("", status_code=202, response_model=CallRead)
def pop_call(body: CallIn, api: Services = Depends(services)) -> CallRead:
    """Accepted: the agent's workspace shows it when it next looks (within a second). The answer says whether
    the caller was recognised: `customer` for one match by phone, `candidates` for several."""
    return api.write(incoming_calls.pop_call, number=body.number, agent_login=body.agent_login,
                     call_id=body.call_id)
