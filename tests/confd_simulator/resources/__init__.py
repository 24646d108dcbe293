"""Resource modules: importing this package registers every route of both generations."""

from . import (auth, contexts, extensions, incalls, meta, outcalls, sip, sip_current, sip_legacy,  # noqa: F401
               sip_transports, targets, trunks, users)
