"""LEGACY placeholder."""
from . import sip_transports


def seed_sip(state):
    sip_transports.seed(state)


def trunk_sip_fields(_req, _trunk_id):
    return {"endpoint_sip": None, "register_sip": None}


def delete_trunk_cascade(_state, _trunk_id):
    return None
