"""Generation dispatch of the SIP half, for the trunk, outcall, tenant and seed code."""

from . import sip_current, sip_legacy

_MODULES = {"current": sip_current, "legacy": sip_legacy}


def _module(generation):
    return _MODULES[generation]


def trunk_sip_fields(req, trunk_id):
    """The SIP keys of a trunk body: ``endpoint_sip`` (+ ``register_sip`` on LEGACY)."""
    return _module(req.generation).trunk_sip_fields(req, trunk_id)


def outcall_trunk_sip_fields(req, trunk_id):
    """``endpoint_sip`` as an outcall's ``trunks`` items show it (same shape as in the trunk body)."""
    return {"endpoint_sip": _module(req.generation).trunk_sip_fields(req, trunk_id)["endpoint_sip"]}


def delete_trunk_cascade(state, trunk_id):
    """Deleting a trunk deletes its SIP endpoint (and its SIP register on LEGACY)."""
    _module(state.generation).delete_trunk_cascade(state, trunk_id)


def trunk_name_label(state, trunk_id):
    """(name, label) of the trunk's SIP endpoint for CURRENT's ``?name=`` / ``?label=`` trunk filters."""
    if state.generation != "current":
        return None, None
    return sip_current.trunk_name_label(state, trunk_id)


def tenant_sip_fields(state, tenant_uuid):
    """The SIP template fields of CURRENT's ``GET /tenants/{uuid}``."""
    return sip_current.tenant_sip_fields(state, tenant_uuid)


def seed_sip(state):
    _module(state.generation).seed_sip(state)
