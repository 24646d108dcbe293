"""An interconnection made by hand, as a Wazo administrator makes it by following Wazo's interconnection guide
(REST calls straight to confd, ``sim.api()``), and the same interconnection described for the five modules and for
the role. Shared by test_brownfield.py and test_export.py.

Provider "acc-provider" (on legacy servers named after its username, as the guide's endpoint is): registration with
a password, one outgoing route with two dial patterns, one DID to the seeded user Alice Smoke.
"""

NAME = "acc-provider"
HOST = "sip.acc-provider.example"
USERNAME = "4185550111"
PASSWORD = "Acc-Pr0vider-S3cret"
OUTCALL = "acc-provider-national"
CALLER_ID = '"Acme" <4185550111>'
DID = "5550111"
USER = "Alice Smoke"
ROLE = "wazo.confd.provider_interconnection"

# confd collections counted before and after a run: the run must not make a second object of any kind
COUNTED = ("/trunks", "/endpoints/sip", "/outcalls", "/incalls", "/extensions")
COUNTED_LEGACY = COUNTED + ("/registers/sip",)


def provider_name(generation):
    """The provider's name, which is its SIP endpoint's: on legacy servers the guide's endpoint is named after the
    account's username; on current ones the guide names it."""
    return USERNAME if generation == "legacy" else NAME


def call(sim, method, path, body=None, expect=(200, 201, 204)):
    """One confd request with the admin's token; its JSON answer. Fails the test on an unexpected status."""
    status, answer = sim.api(method, path, body=body, headers={"Wazo-Tenant": sim.tenant})
    assert status in expect, "%s %s %r -> %s %r" % (method, path, body, status, answer)
    return answer


def context_name(sim, context_type):
    """Name of the tenant's only context of that type (seeded: from-extern / to-extern, ctx-acme-... on current)."""
    [context] = call(sim, "GET", "/contexts?type=%s" % context_type)["items"]
    return context["name"]


def counts(sim):
    """{collection path: total} of every kind of object an interconnection is made of."""
    paths = COUNTED_LEGACY if sim.generation == "legacy" else COUNTED
    return {path: call(sim, "GET", path)["total"] for path in paths}


# -- by hand -----------------------------------------------------------------------------------------------------

def make_by_hand(sim):
    """The guide's calls: SIP endpoint, trunk, association, registration, outcall with trunk and two dial patterns,
    incall with its DID. Returns the ids made, by kind."""
    made = {}
    incall_context = context_name(sim, "incall")
    outcall_context = context_name(sim, "outcall")
    if sim.generation == "legacy":
        # the guide gives the account's username only: confd names the endpoint after it
        endpoint = call(sim, "POST", "/endpoints/sip", {
            "username": USERNAME, "secret": PASSWORD, "type": "peer", "host": HOST,
            "options": [["qualify", "yes"], ["qualifyfreq", "60"], ["transport", "udp"]]})
        assert endpoint["name"] == provider_name(sim.generation)
        made["endpoint"] = endpoint["id"]
        trunk = call(sim, "POST", "/trunks", {"context": incall_context})
        made["trunk"] = trunk["id"]
        call(sim, "PUT", "/trunks/%s/endpoints/sip/%s" % (trunk["id"], endpoint["id"]))
        # the guide gives no auth_username: confd builds the register line from sip_username
        register = call(sim, "POST", "/registers/sip", {
            "sip_username": USERNAME, "auth_password": PASSWORD, "remote_host": HOST, "transport": "transport-udp"})
        made["register"] = register["id"]
        call(sim, "PUT", "/trunks/%s/registers/sip/%s" % (trunk["id"], register["id"]))
    else:
        tenant = call(sim, "GET", "/tenants/%s" % sim.tenant)
        [transport] = [item for item in call(sim, "GET", "/sip/transports")["items"] if item["name"] == "transport-udp"]
        auth = [["username", USERNAME], ["password", PASSWORD]]
        endpoint = call(sim, "POST", "/endpoints/sip", {
            "label": NAME, "name": NAME,
            "templates": [{"uuid": tenant["registration_trunk_sip_template_uuid"]}],
            "auth_section_options": auth,
            "outbound_auth_section_options": auth,
            "registration_section_options": [["client_uri", "sip:%s@%s" % (USERNAME, HOST)],
                                             ["server_uri", "sip:%s" % HOST], ["expiration", "120"]],
            "registration_outbound_auth_section_options": auth,
            "aor_section_options": [["contact", "sip:%s@%s:5060" % (USERNAME, HOST)], ["qualify_frequency", "60"]],
            "endpoint_section_options": [["from_user", USERNAME], ["from_domain", HOST]],
            "transport": {"uuid": transport["uuid"]},
        })
        made["endpoint"] = endpoint["uuid"]
        trunk = call(sim, "POST", "/trunks", {"context": incall_context})
        made["trunk"] = trunk["id"]
        call(sim, "PUT", "/trunks/%s/endpoints/sip/%s" % (trunk["id"], endpoint["uuid"]))
    outcall = call(sim, "POST", "/outcalls", {"name": OUTCALL})
    made["outcall"] = outcall["id"]
    call(sim, "PUT", "/outcalls/%s/trunks" % outcall["id"], {"trunks": [{"id": trunk["id"]}]})
    for exten, settings in (("_NXXNXXXXXX", {"caller_id": CALLER_ID, "prefix": "1"}), ("911", {})):
        extension = call(sim, "POST", "/extensions", {"exten": exten, "context": outcall_context})
        call(sim, "PUT", "/outcalls/%s/extensions/%s" % (outcall["id"], extension["id"]), settings)
    [user] = call(sim, "GET", "/users?firstname=Alice&lastname=Smoke")["items"]
    incall = call(sim, "POST", "/incalls", {"destination": {"type": "user", "user_id": user["id"]}})
    made["incall"] = incall["id"]
    extension = call(sim, "POST", "/extensions", {"exten": DID, "context": incall_context})
    call(sim, "PUT", "/incalls/%s/extensions/%s" % (incall["id"], extension["id"]))
    return made


# -- described for the modules -------------------------------------------------------------------------------------

def module_tasks(generation, name=None, secret=PASSWORD):
    """The five modules, with the names and values of the hand-made interconnection; one task per module, named
    after it."""
    name = name or provider_name(generation)
    if generation == "legacy":
        endpoint = dict(name=name, username=USERNAME, secret=secret, host=HOST, type="peer",
                        options=[["qualify", "yes"], ["qualifyfreq", "60"], ["transport", "udp"]])
    else:
        endpoint = dict(name=name, label=name, username=USERNAME, secret=secret, host=HOST, port=5060,
                        transport="udp", options=[["qualifyfreq", "60"]])
    tasks = [
        ("wazo_sip_endpoint", endpoint),
        ("wazo_trunk", dict(name=name)),
        ("wazo_register", dict(trunk=name, auth_username=USERNAME, auth_password=secret, remote_host=HOST,
                               transport="udp")),
        ("wazo_outcall", dict(name=OUTCALL, trunks=[name], extensions=[
            dict(exten="_NXXNXXXXXX", caller_id=CALLER_ID, prefix="1"), dict(exten="911")])),
        ("wazo_incall", dict(exten=DID, destination=dict(type="user", user=USER))),
    ]
    return [{"name": module, "wazo.confd." + module: options, "register": "out"} for module, options in tasks]


# -- described for the role -----------------------------------------------------------------------------------------

def role_provider(generation, password=PASSWORD, **overrides):
    """The hand-made interconnection as an entry of provider_interconnection_providers."""
    provider = {
        "name": provider_name(generation), "host": HOST, "username": USERNAME,
        "outcalls": [{"name": OUTCALL, "dial_patterns": [
            {"pattern": "_NXXNXXXXXX", "caller_id": CALLER_ID, "prefix": "1"}, {"pattern": "911"}]}],
        "incalls": [{"did": DID, "destination": {"type": "user", "user": USER}}],
    }
    if password is not None:
        provider["password"] = password
    provider.update(overrides)
    return provider


def role_play(providers, **role_vars):
    """A play that applies the role to providers (the connection comes from the harness's WAZO_* variables)."""
    variables = {"provider_interconnection_providers": providers}
    variables.update(role_vars)
    return [{"name": "Interconnect", "hosts": "localhost", "gather_facts": False,
             "roles": [{"role": ROLE, "vars": variables}]}]


def failure_messages(result):
    """The messages of the failed tasks, and of the items of their loops."""
    messages = []
    for task in result.failed_tasks:
        messages.append("%s: %s" % (task.name, task.msg))
        messages += ["  %s" % item.get("msg") for item in task.result.get("results") or [] if item.get("msg")]
    return "\n".join(messages)


def failures(result):
    """What failed, for assertion messages."""
    return failure_messages(result) or result.output()[-3000:]
