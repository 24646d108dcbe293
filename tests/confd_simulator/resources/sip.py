"""The SIP half of each generation, for the trunk, outcall and seed code: one module per generation
(sip_current: PJSIP endpoints and templates; sip_legacy: chan_sip endpoints and registers), each with
``trunk_sip_fields(req, trunk_id)`` (the SIP keys of a trunk body), ``delete_trunk_cascade(state,
trunk_id)`` (deleting a trunk deletes its endpoint, and its register) and ``seed_sip(state)``."""

from ..core import by_generation
from . import sip_current, sip_legacy

MODULES = by_generation(current=sip_current, legacy=sip_legacy)


def of(generation):
    return MODULES[generation]
