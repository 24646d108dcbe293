"""wazo-auth stand-in (/0.1/token) and confd's token/tenant check with its exact 401 bodies."""

import base64
import binascii
import datetime
import time
import uuid

from ..core import HTML_404, ApiError, Reply, by_generation

SEED_TOKEN = "00000000-0000-4000-9000-0000000000ad"
ADMIN_LOGIN = ("admin", "admin-secret")
ADMIN_UUID = "00000000-0000-4000-9000-00000000a11c"
MAX_EXPIRATION = 315360000
_ACTIONS = {"GET": "read", "HEAD": "read", "POST": "create", "PUT": "update", "PATCH": "update", "DELETE": "delete"}
# LEGACY /registers/sip has no tenant at all: confd never looks at Wazo-Tenant there.
_LEGACY_TENANTLESS = ("/registers/sip",)
ACL_KEY = by_generation(current="acl", legacy="acls")  # of a token's data (wazo-auth renamed it)


def _auth_error(status, reason):
    return Reply(status, {"reason": [reason], "timestamp": [time.time()], "status_code": status})


def _valid_token(state, token):
    if token == SEED_TOKEN:
        return {"token": SEED_TOKEN, "tenant_uuid": state.tenant_uuid, "expires_at": None, "issued_at": 0.0}
    record = state.tokens.get(token)
    if record and (record["expires_at"] is None or record["expires_at"] > time.time()):
        return record
    return None


def _iso(epoch, utc=False):
    moment = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    return moment.isoformat() if utc else moment.replace(tzinfo=None).isoformat()


def _token_data(state, record):
    expires = record["expires_at"] if record["expires_at"] is not None else time.time() + MAX_EXPIRATION
    return {
        "token": record["token"], "expires_at": _iso(expires), "utc_expires_at": _iso(expires, utc=True),
        "issued_at": _iso(record["issued_at"]), "utc_issued_at": _iso(record["issued_at"], utc=True),
        "auth_id": ADMIN_UUID, "xivo_user_uuid": None, "xivo_uuid": state.infos["uuid"],
        "session_uuid": record.get("session_uuid", str(uuid.UUID(int=0))),
        "metadata": {"uuid": ADMIN_UUID, "tenant_uuid": record["tenant_uuid"], "auth_id": ADMIN_UUID,
                     "pbx_user_uuid": None, "xivo_uuid": state.infos["uuid"], "purpose": "user",
                     "admin": True},
        ACL_KEY[state.generation]: ["confd.#", "auth.#"],
    }


def _basic_credentials(headers):
    scheme, encoded = ((headers.get("Authorization") or "").split(" ", 1) + [""])[:2]
    if scheme.lower() != "basic":
        return None
    try:
        user, password = (base64.b64decode(encoded.strip()).decode("utf-8").split(":", 1) + [""])[:2]
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return user, password


def _login(state, headers, body):
    if _basic_credentials(headers) != ADMIN_LOGIN:
        return _auth_error(401, "Authentication Failed")
    body = body if isinstance(body, dict) else {}
    expiration = body.get("expiration", 7200)
    if isinstance(expiration, bool) or not isinstance(expiration, int):
        return _auth_error(400, str({"expiration": ["Not a valid integer."]}))
    if not 1 <= expiration <= MAX_EXPIRATION:
        return _auth_error(400, str({"expiration": ["Must be greater than or equal to 1 and less than or equal to %d."
                                                    % MAX_EXPIRATION]}))
    now = time.time()
    record = {"token": str(uuid.uuid4()), "tenant_uuid": state.tenant_uuid, "expires_at": now + expiration,
              "issued_at": now, "session_uuid": str(uuid.uuid4())}
    state.tokens[record["token"]] = record
    return Reply(200, {"data": _token_data(state, record)})


def handle_auth(state, method, path, query, headers, body):
    """Answer a wazo-auth request; path is relative to /0.1."""
    if path == "/token":
        if method == "POST":
            return _login(state, headers, body)
        return Reply(405, {"message": "The method is not allowed for the requested URL."})
    if path.startswith("/token/") and path.count("/") == 2:
        token = path[len("/token/"):]
        if method == "DELETE":
            state.tokens.pop(token, None)  # the seed token is permanent by design
            return Reply(204)
        if method in ("GET", "HEAD"):
            record = _valid_token(state, token)
            if record is None:
                return _auth_error(404, "No such token")
            wanted_tenant = dict(part.split("=", 1) for part in query.split("&") if "=" in part).get("tenant")
            if wanted_tenant and wanted_tenant != record["tenant_uuid"]:
                return _auth_error(403, "Unauthorized")
            return Reply(200, {"data": _token_data(state, record)})
        return Reply(405, {"message": "The method is not allowed for the requested URL."})
    if path == "/tenants" and method == "GET":
        return _list_tenants(state, query, headers)
    return Reply(404, HTML_404[state.generation])


def _list_tenants(state, query, headers):
    """wazo-auth's tenant list (the slug of a tenant lives in wazo-auth, not in confd)."""
    if _valid_token(state, headers.get("X-Auth-Token") or "") is None:
        return _auth_error(401, "Unauthorized")
    tenant = {"uuid": state.tenant_uuid, "name": state.tenant_slug, "slug": state.tenant_slug,
              "parent_uuid": state.tenant_uuid}
    filters = dict(part.split("=", 1) for part in query.split("&") if "=" in part)
    search = filters.pop("search", "").lower()
    matches = all(tenant.get(key) == value for key, value in filters.items() if key in tenant)
    matches = matches and (not search or any(search in str(value).lower() for value in tenant.values()))
    items = [tenant] if matches else []
    return Reply(200, {"items": items, "total": 1, "filtered": len(items)})


def required_acl(method, path):
    """confd's ACL for a route, templated with the path values (``confd.trunks.94.read``)."""
    return "confd." + ".".join(part for part in path.split("/") if part) + "." + _ACTIONS.get(method, "read")


def verify_confd_access(state, method, path, headers):
    """Return the effective tenant of a confd request or raise the 401 (or 500) confd answers."""
    token = headers.get("X-Auth-Token") or ""
    record = _valid_token(state, token) if token else None
    return _VERIFIERS[state.generation](method, path, token, headers.get("Wazo-Tenant"), record)


def _verify_legacy(_method, path, token, tenant, record):
    """xivo-lib-python 2020: 401 bodies name the token (or the tenant); some routes ignore Wazo-Tenant."""
    if record is None:
        raise ApiError(401, [token])
    if tenant and tenant != record["tenant_uuid"] and not path.startswith(_LEGACY_TENANTLESS):
        raise ApiError(401, [tenant])
    return record["tenant_uuid"] if path.startswith(_LEGACY_TENANTLESS) else (tenant or record["tenant_uuid"])


def _verify_current(method, path, token, tenant, record):
    """xivo-lib-python today: 401 bodies name the token, the required ACL and the tenant."""
    acl = required_acl(method, path)
    if record is None and token and tenant:
        # Recorded on the CURRENT rig (wazo-auth test double): unknown token + Wazo-Tenant crashes confd.
        raise ApiError(500, ["Unexpected error: Invalid token without exception"])
    if record is None or (tenant and tenant != record["tenant_uuid"]):
        raise ApiError(401, [str((token, acl, tenant) if tenant else (token, acl))])
    return tenant or record["tenant_uuid"]


_VERIFIERS = by_generation(current=_verify_current, legacy=_verify_legacy)
