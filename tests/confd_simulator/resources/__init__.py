"""Resource modules: importing this package registers every route of both generations."""

from . import auth, contexts, extensions, incalls, meta, outcalls, targets, trunks, users  # noqa: F401  pylint: disable=unused-import
from .common import optional_module

# The SIP half (resources/sip_current.py, sip_legacy.py, sip.py) is written separately: load it when present.
for _name in ("sip_current", "sip_legacy", "sip"):
    optional_module(_name)
