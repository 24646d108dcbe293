"""Server metadata: /infos, /api/api.yml (no auth), /tenants (CURRENT) and LEGACY /asterisk/sip/general."""

import re

from ..core import CURRENT, LEGACY, ROUTES, not_found, route
from ..fields import Field, load
from . import sip_current

# Path names as the real api.yml spells them (the simulator's converters may be named otherwise).
_DOC_PATHS = {
    "current": ("/endpoints/sip/{sip_uuid}", "/endpoints/sip/templates/{template_uuid}", "/sip/transports/{transport_uuid}",
                "/trunks/{trunk_id}/endpoints/sip/{sip_uuid}", "/tenants/{tenant_uuid}"),
    "legacy": ("/endpoints/sip/{sip_id}", "/registers/sip/{register_sip_id}", "/sip/transports/{transport_uuid}",
               "/trunks/{trunk_id}/endpoints/sip/{sip_id}", "/trunks/{trunk_id}/registers/sip/{sip_id}"),
}
_SUMMARY = {"get": "Read", "post": "Create", "put": "Update", "delete": "Delete", "head": "Check"}


def _shape(path):
    return re.sub(r"<[^>]*>|\{[^}]*\}", "{}", path)


def api_spec(generation):
    """A Swagger 2.0 document listing the paths (and methods) this generation serves."""
    doc_names = {_shape(path): path for path in _DOC_PATHS[generation]}
    paths = {}
    for candidate in ROUTES:
        if generation in candidate.generations:
            name = doc_names.get(_shape(candidate.pattern), re.sub(r"<(?:[a-z]+:)?([^>]+)>", r"{\1}", candidate.pattern))
            paths.setdefault(name, set()).add(candidate.method.lower())
    lines = ["swagger: '2.0'", "info:", "  title: wazo-confd", "  description: confd simulator (%s API)" % generation,
             "  version: '1.1'", "basePath: /1.1", "schemes:", "- http", "- https", "consumes:", "- application/json",
             "produces:", "- application/json", "securityDefinitions:", "  wazo_auth_token:", "    type: apiKey",
             "    name: X-Auth-Token", "    in: header", "security:", "- wazo_auth_token: []", "paths:"]
    for path in sorted(paths):
        lines.append("  %s:" % path)
        for method in sorted(paths[path]):
            lines += ["    %s:" % method, "      summary: %s %s" % (_SUMMARY.get(method, method), path),
                      "      responses:", "        '200':", "          description: OK"]
    return "\n".join(lines) + "\n"


def public(handler):
    """Mark a handler as served without a token (like confd's api.yml resource)."""
    handler.public = True
    return handler


@route("GET", "/api/api.yml")
@public
def get_api_spec(req):
    return 200, api_spec(req.generation), {"Content-Type": "application/x-yaml"}


@route("GET", "/infos")
def get_infos(req):
    return 200, dict(req.state.infos)


def tenant_body(state):
    return dict({"uuid": state.tenant_uuid}, **sip_current.tenant_sip_fields(state, state.tenant_uuid))


@route("GET", "/tenants", CURRENT)
def list_tenants(req):
    return 200, {"total": 1, "items": [tenant_body(req.state)]}


@route("GET", "/tenants/<uuid:tenant_uuid>", CURRENT)
def get_tenant(req):
    if req.params["tenant_uuid"] != req.state.tenant_uuid:
        raise not_found("Tenant", uuid=req.params["tenant_uuid"])
    return 200, tenant_body(req.state)


_SIP_GENERAL = [Field("options", "list", required=True)]


@route("GET", "/asterisk/sip/general", LEGACY)
def get_sip_general(req):
    return 200, {"options": req.state.tables["asterisk"].get("sip_general", [])}


@route("PUT", "/asterisk/sip/general", LEGACY)
def put_sip_general(req):
    options = load(_SIP_GENERAL, req.json_object(), req.generation)["options"]
    req.state.tables["asterisk"]["sip_general"] = options
    return 204, None
