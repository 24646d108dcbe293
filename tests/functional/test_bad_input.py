"""Bad input, every module and the role, both API generations: each case fails with a message that names the
option at fault and says why, and nothing is written.

Two ansible-playbook runs per generation hold every case (an ansible-playbook start costs seconds), each case a
task with ``ignore_errors`` (a module) or a block whose rescue records the failure (the role): the module cases,
after a trunk is made through the API, and the role cases, after the role converged a valid provider. The
assertions read the recorded task results and the request log: no case may have sent a single write to confd.
The module processes are forked from a pre-warmed Python (warm_python.py; WAZO_WARM_PYTHON=0 starts each one
from scratch): the same module code, a fraction of the CPU.
"""

import collections
import os

import pytest

from provider_tasks import writes
from warm_python import WarmPython

WARM = os.environ.get("WAZO_WARM_PYTHON", "1") != "0"

PROVIDER = "prov-bad"
PROVIDER_PASSWORD = "Bad-Input-Pw-5e1"
DID = "5550142"
GHOST = "ghost-object"
UNKNOWN_UUID = "0badc0de-0000-4000-8000-00000000dead"
UNKNOWN_TENANT = "0badc0de-0000-4000-8000-0000000eeeee"

Case = collections.namedtuple("Case", "name module options words generations")
BOTH = ("current", "legacy")


def case(name, module, options, words, generations=BOTH):
    return Case(name, module, options, list(words), generations)


def endpoint(**options):
    return dict(dict(name="new-endpoint", username="123456", host="sip.provider.example"), **options)


def register(**options):
    return dict(dict(trunk=PROVIDER, auth_username="123456", auth_password="Reg1ster-Pw",
                     remote_host="sip.provider.example"), **options)


def outcall(**options):
    return dict(dict(name="bad-route", trunks=[PROVIDER], extensions=[{"exten": "_0XXXXXXXXX"}]), **options)


def pattern(**options):
    return dict(dict(exten="_0XXXXXXXXX", caller_id="+33123456789"), **options)


def incall(**options):
    return dict(dict(exten="5550143", destination={"type": "user", "user": "Alice Smoke"}), **options)


def user_destination(**options):
    return dict(dict(type="user", user="Alice Smoke"), **options)


def provider(**settings):
    """Role variables: the converged provider, with some settings changed."""
    base = dict(name=PROVIDER, host="sip.provider.example", username="4185550142", password=PROVIDER_PASSWORD,
                outcalls=[{"name": PROVIDER + "-out", "dial_patterns": [{"pattern": "_NXXNXXXXXX"}]}],
                incalls=[{"did": DID, "destination": {"type": "user", "user": "Alice Smoke"}}])
    base.update(settings)
    return {"provider_interconnection_providers": [base]}


CASES = [
    # ---- wazo_sip_endpoint ---------------------------------------------------------------------------------
    case("endpoint: state not a choice", "wazo_sip_endpoint", endpoint(state="gone"),
         ["state", "must be one of", "gone"]),
    case("endpoint: type not a choice", "wazo_sip_endpoint", endpoint(type="router"),
         ["type", "must be one of", "router"]),
    case("endpoint: port not an integer", "wazo_sip_endpoint", endpoint(port="five"), ["port", "int"]),
    case("endpoint: port out of range", "wazo_sip_endpoint", endpoint(port=70000), ["port", "70000", "65535"]),
    case("endpoint: port without host", "wazo_sip_endpoint", dict(name="new-endpoint", port=5060),
         ["port", "host"]),
    case("endpoint: empty name", "wazo_sip_endpoint", endpoint(name=""), ["name", "empty"]),
    case("endpoint: name with spaces", "wazo_sip_endpoint", endpoint(name="my provider"),
         ["name", "my provider", "letters"]),
    case("endpoint: option not a pair", "wazo_sip_endpoint", endpoint(options=[["qualify"]]),
         ["options", "[key, value] pair"]),
    case("endpoint: options as a string", "wazo_sip_endpoint", endpoint(options="qualify=yes"),
         ["options", "list of [key, value] pairs"]),
    case("endpoint: options_mode not a choice", "wazo_sip_endpoint", endpoint(options_mode="replace"),
         ["options_mode", "must be one of"]),
    case("endpoint: unknown template", "wazo_sip_endpoint", endpoint(templates=["global", GHOST]),
         ["templates", GHOST, "no SIP template"], ("current",)),
    case("endpoint: unknown transport", "wazo_sip_endpoint", endpoint(transport=GHOST),
         ["transport", GHOST, "no SIP transport"], ("current",)),
    case("endpoint: templates on legacy", "wazo_sip_endpoint", endpoint(templates=["global"]),
         ["templates", "20.13"], ("legacy",)),
    case("endpoint: transport on legacy", "wazo_sip_endpoint", endpoint(transport="udp"),
         ["transport", "20.13"], ("legacy",)),
    case("endpoint: PJSIP section on legacy", "wazo_sip_endpoint",
         endpoint(endpoint_section_options=[["rtp_symmetric", "yes"]]), ["endpoint_section_options", "20.13"],
         ("legacy",)),
    # ---- wazo_trunk ------------------------------------------------------------------------------------------
    case("trunk: unknown SIP endpoint", "wazo_trunk", dict(name=GHOST), ["name", GHOST, "no SIP endpoint"]),
    case("trunk: unknown context", "wazo_trunk", dict(name=PROVIDER, context=GHOST), ["context", GHOST]),
    case("trunk: caller id format not a choice", "wazo_trunk",
         dict(name=PROVIDER, outgoing_caller_id_format="+33"), ["outgoing_caller_id_format", "must be one of"]),
    case("trunk: caller id format on legacy", "wazo_trunk",
         dict(name=PROVIDER, outgoing_caller_id_format="national"), ["outgoing_caller_id_format", "legacy"],
         ("legacy",)),
    case("trunk: twilio_incoming not a boolean", "wazo_trunk", dict(name=PROVIDER, twilio_incoming="perhaps"),
         ["twilio_incoming", "bool"]),
    case("trunk: empty name", "wazo_trunk", dict(name=""), ["name", "empty"]),
    # ---- wazo_register ---------------------------------------------------------------------------------------
    case("register: unknown trunk", "wazo_register", register(trunk=GHOST), ["trunk", GHOST, "no trunk"]),
    case("register: remote_host missing", "wazo_register", register(remote_host=None),
         ["remote_host", "missing"]),
    case("register: auth_username without auth_password", "wazo_register", register(auth_password=None),
         ["auth_username", "auth_password"]),
    case("register: no user name at all", "wazo_register", register(auth_username=None, auth_password=None),
         ["sip_username", "required"]),
    case("register: unknown transport", "wazo_register", register(transport=GHOST),
         ["transport", GHOST, "no SIP transport"]),
    case("register: expiration not an integer", "wazo_register", register(expiration="soon"),
         ["expiration", "int"]),
    case("register: remote_port out of range", "wazo_register", register(remote_port=65536),
         ["remote_port", "65536", "65535"]),
    case("register: negative expiration", "wazo_register", register(expiration=-5), ["expiration", "-5"]),
    case("register: host with a port in it", "wazo_register", register(remote_host="sip.provider.example:5061"),
         ["remote_host", "remote_port"]),
    case("register: disabled on current", "wazo_register", register(enabled=False), ["enabled", "absent"],
         ("current",)),
    case("register: colon in the password on legacy", "wazo_register", register(auth_password="pa:ss"),
         ["auth_password", ":"], ("legacy",)),
    # ---- wazo_outcall ----------------------------------------------------------------------------------------
    case("outcall: unknown trunk", "wazo_outcall", outcall(trunks=[PROVIDER, GHOST]), ["trunks", GHOST]),
    case("outcall: trunk listed twice", "wazo_outcall", outcall(trunks=[PROVIDER, PROVIDER]), ["trunks", "twice"]),
    case("outcall: unknown context", "wazo_outcall", outcall(extensions=[pattern(context=GHOST)]),
         ["extensions[0].context", GHOST]),
    case("outcall: incall context for a pattern", "wazo_outcall",
         outcall(extensions=[pattern(context="from-extern")]), ["extensions[0].context", "incall"]),
    case("outcall: bad dial pattern", "wazo_outcall", outcall(extensions=[pattern(), pattern(exten="9abc")]),
         ["extensions[1].exten", "9abc"]),
    case("outcall: duplicate dial pattern", "wazo_outcall",
         outcall(extensions=[pattern(), pattern(caller_id="+33999999999")]), ["extensions[1]", "twice"]),
    case("outcall: pattern without exten", "wazo_outcall", outcall(extensions=[{"caller_id": "+33123456789"}]),
         ["exten", "extensions", "missing"]),
    case("outcall: unknown pattern option", "wazo_outcall",
         outcall(extensions=[pattern(pattern="_0XXXXXXXXX")]), ["pattern", "extensions", "Unsupported"]),
    case("outcall: caller id too long", "wazo_outcall", outcall(extensions=[pattern(caller_id="1" * 81)]),
         ["extensions[0].caller_id", "80"]),
    case("outcall: bad prefix", "wazo_outcall", outcall(extensions=[pattern(prefix="00abc")]),
         ["extensions[0].prefix", "00abc"]),
    case("outcall: negative strip_digits", "wazo_outcall", outcall(extensions=[pattern(strip_digits=-1)]),
         ["extensions[0].strip_digits", "0 or more"]),
    case("outcall: negative ring_time", "wazo_outcall", outcall(ring_time=-1), ["ring_time", "0 or more"]),
    case("outcall: enabled not a boolean", "wazo_outcall", outcall(enabled="perhaps"), ["enabled", "bool"]),
    case("outcall: empty name", "wazo_outcall", outcall(name=""), ["name", "empty"]),
    case("outcall: subroutine too long for legacy", "wazo_outcall", outcall(preprocess_subroutine="s" * 40),
         ["preprocess_subroutine", "39"], ("legacy",)),
    # ---- wazo_incall -----------------------------------------------------------------------------------------
    case("incall: unknown user", "wazo_incall", incall(destination=user_destination(user="Nobody Here")),
         ["destination.user", "Nobody Here"]),
    case("incall: unknown user uuid", "wazo_incall", incall(destination=user_destination(user=UNKNOWN_UUID)),
         ["destination.user", UNKNOWN_UUID]),
    case("incall: unknown group", "wazo_incall", incall(destination={"type": "group", "group": GHOST}),
         ["destination.group", GHOST]),
    case("incall: unknown voicemail", "wazo_incall", incall(destination={"type": "voicemail", "voicemail": GHOST}),
         ["destination.voicemail", GHOST]),
    case("incall: unknown queue", "wazo_incall", incall(destination={"type": "queue", "queue": GHOST}),
         ["destination.queue", GHOST]),
    case("incall: unknown outcall", "wazo_incall",
         incall(destination={"type": "outcall", "outcall": GHOST, "exten": "0123456789"}),
         ["destination.outcall", GHOST]),
    case("incall: unknown context of an extension destination", "wazo_incall",
         incall(destination={"type": "extension", "exten": "1000", "context": GHOST}),
         ["destination.context", GHOST]),
    case("incall: unknown context", "wazo_incall", incall(context=GHOST), ["context", GHOST]),
    case("incall: outcall context for a DID", "wazo_incall", incall(context="to-extern"), ["context", "outcall"]),
    case("incall: DID outside the incall range", "wazo_incall", incall(exten="4441234"),
         ["exten", "4441234", "range"]),
    case("incall: DID with letters", "wazo_incall", incall(exten="555O142"), ["exten", "555O142"]),
    case("incall: empty DID", "wazo_incall", incall(exten=""), ["exten", "empty"]),
    case("incall: destination missing", "wazo_incall", incall(destination=None), ["destination", "missing"]),
    case("incall: destination type not a choice", "wazo_incall", incall(destination={"type": "fax"}),
         ["type", "must be one of", "fax"]),
    case("incall: option of another destination type", "wazo_incall",
         incall(destination=user_destination(group="support")), ["destination.group", "user"]),
    case("incall: ring_time not a number", "wazo_incall", incall(destination=user_destination(ring_time="long")),
         ["ring_time", "float"]),
    case("incall: caller_id_mode not a choice", "wazo_incall", incall(caller_id_mode="replace"),
         ["caller_id_mode", "must be one of"]),
    case("incall: caller_id_name too long", "wazo_incall", incall(caller_id_name="n" * 81),
         ["caller_id_name", "80"]),
    case("incall: music on hold on legacy", "wazo_incall", incall(destination=user_destination(moh_uuid=UNKNOWN_UUID)),
         ["destination.moh_uuid", "20.13"], ("legacy",)),
    case("incall: meetme on current", "wazo_incall", incall(destination={"type": "meetme", "conference": "1"}),
         ["destination.type", "meetme"], ("current",)),
    case("incall: subroutine too long for legacy", "wazo_incall", incall(preprocess_subroutine="s" * 40),
         ["preprocess_subroutine", "39"], ("legacy",)),
    # ---- connection options (every module), wazo_token ---------------------------------------------------------
    case("connection: api_generation not a choice", "wazo_trunk", dict(name=PROVIDER, api_generation="newest"),
         ["api_generation", "must be one of"]),
    case("connection: timeout not an integer", "wazo_trunk", dict(name=PROVIDER, timeout="soon"),
         ["timeout", "int"]),
    case("connection: timeout zero", "wazo_trunk", dict(name=PROVIDER, timeout=0), ["timeout", "0"]),
    case("connection: validate_certs not a boolean", "wazo_trunk", dict(name=PROVIDER, validate_certs="perhaps"),
         ["validate_certs", "bool"]),
    case("connection: confd URL without scheme", "wazo_trunk", dict(name=PROVIDER, wazo_confd_url="127.0.0.1:9486/1.1"),
         ["wazo_confd_url", "http"]),
    case("connection: URL of another scheme", "wazo_outcall", outcall(wazo_confd_url="", wazo_url="ftp://pbx.example"),
         ["wazo_url", "ftp://pbx.example", "http"]),
    case("connection: CA file missing", "wazo_trunk", dict(name=PROVIDER, ca_path="no-such-ca.pem"),
         ["ca_path", "no-such-ca.pem"]),
    case("connection: unknown tenant", "wazo_trunk", dict(name=PROVIDER, wazo_tenant=UNKNOWN_TENANT),
         ["wazo_tenant", "401"]),
    case("connection: no credentials", "wazo_sip_endpoint", endpoint(wazo_token=""),
         ["wazo_token", "wazo_username", "required"]),
    case("connection: user name without password", "wazo_incall", incall(wazo_token="", wazo_username="admin"),
         ["wazo_password", "required"]),
    case("connection: wrong password", "wazo_register",
         register(wazo_token="", wazo_username="admin", wazo_password="not-the-password"),
         ["wazo_username", "wazo_password", "refused"]),
    case("token: absent without a token", "wazo_token", dict(state="absent", wazo_token=""),
         ["wazo_token", "absent"]),
    case("token: state not a choice", "wazo_token", dict(state="open"), ["state", "must be one of"]),
    # ---- role provider_interconnection -----------------------------------------------------------------------
    case("role: provider name not allowed", "role", provider(name="bad name!"), ["bad name!", "name: must be"]),
    case("role: provider listed twice", "role",
         {"provider_interconnection_providers": [provider()["provider_interconnection_providers"][0]] * 2},
         [PROVIDER, "same name"]),
    case("role: present provider without host", "role", provider(host=None), [PROVIDER, "host: required"]),
    case("role: registration without username", "role", provider(username=None),
         [PROVIDER, "username: required", "registers"]),
    # the converged provider may leave its password out (the server keeps it); a new one that registers may not
    case("role: new provider that registers without password", "role", provider(name="prov-new", password=None),
         ["prov-new", "password: required for a new provider that registers"]),
    case("role: caller id format not a choice", "role", provider(caller_id_format="+33"),
         ["caller_id_format", "must be one of"]),
    case("role: port not an integer", "role", provider(port="five"), ["port", "int"]),
    case("role: state not a choice", "role", provider(state="gone"), ["state", "must be one of"]),
    case("role: unknown provider setting", "role", provider(passwd="x"), ["passwd"]),
    case("role: flat port not an integer", "role",
         {"provider_interconnection_name": "p2", "provider_interconnection_host": "sip.example",
          "provider_interconnection_port": "five"}, ["provider_interconnection_port", "int"]),
    # the role runs to the module that refuses the input (one such case per generation: each costs a whole role run)
    case("role: outcall through an unknown trunk", "role",
         provider(outcalls=[{"name": PROVIDER + "-out", "trunks": [PROVIDER, GHOST],
                             "dial_patterns": [{"pattern": "_NXXNXXXXXX"}]}]), ["trunks", GHOST], ("current",)),
    case("role: caller id format on legacy", "role", provider(caller_id_format="national"),
         ["outgoing_caller_id_format", "legacy"], ("legacy",)),
]


def cases_of(generation):
    return [item for item in CASES if generation in item.generations]


def module_task(item):
    options = dict((key, value) for key, value in item.options.items() if value is not None)
    return {"name": item.name, "wazo.confd." + item.module: options, "ignore_errors": True}


def role_block(item):
    """The role in a block whose rescue records what failed (the play goes on with the next case)."""
    return {"name": item.name, "block": [
        {"name": item.name, "ansible.builtin.include_role": {"name": "wazo.confd.provider_interconnection"},
         "vars": item.options}],
        "rescue": [{"name": "rescued: " + item.name,
                    "ansible.builtin.debug": {"msg": "{{ [ansible_failed_task.name, ansible_failed_result] }}"}}]}


def messages(value):
    """Every message of a (possibly looped) failed result: its msg and argument_errors, not its input."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "msg" and isinstance(item, str):
                found.append(item)
            elif key == "argument_errors":
                found.extend(str(error) for error in item)
            elif key != "invocation":
                found.extend(messages(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(messages(item))
    return found


@pytest.fixture(scope="module")
def interpreter():
    """Extra vars that make the module runs use a pre-warmed Python (none when WAZO_WARM_PYTHON=0)."""
    if not WARM:
        yield {}
        return
    with WarmPython() as warm:
        yield {"ansible_python_interpreter": warm.interpreter}


def make_trunk(sim, name):
    """The provider's SIP endpoint and trunk, bound, made through the API (what the module cases refer to)."""
    body = {"name": name, "username": name} if sim.generation == "legacy" else {"name": name, "label": name}
    status, endpoint = sim.api("POST", "/endpoints/sip", body)
    assert status == 201, endpoint
    status, trunk = sim.api("POST", "/trunks", {})
    assert status == 201, trunk
    endpoint_id = endpoint["id"] if sim.generation == "legacy" else endpoint["uuid"]
    status, answer = sim.api("PUT", "/trunks/%s/endpoints/sip/%s" % (trunk["id"], endpoint_id))
    assert status == 204, answer


def failure_text(result, item):
    """The message of the case's failure, or None when it did not fail."""
    if item.module == "role":
        rescued = [task for task in result.tasks if task.name == "rescued: " + item.name]
        if not rescued:
            return None
        failed_task, failed_result = rescued[-1].result["msg"]
        return "%s\n%s" % (failed_task, "\n".join(messages(failed_result)))
    task = result.task(item.name)
    return (task.msg or "") if task.failed else None


def check_cases(sim, result, cases):
    problems = []
    for item in cases:
        text = failure_text(result, item)
        if text is None:
            problems.append("%s: did not fail" % item.name)
            continue
        missing = [word for word in item.words if word not in text]
        if missing:
            problems.append("%s: %s not in %r" % (item.name, missing, text[:600]))
    assert problems == [], "\n".join(problems)
    assert writes(sim) == []


def test_modules_fail_naming_the_option_and_the_reason_with_zero_writes(sim, ansible, interpreter):
    make_trunk(sim, PROVIDER)
    sim.clear_requests()
    cases = [item for item in cases_of(sim.generation) if item.module != "role"]
    result = ansible.run_tasks([module_task(item) for item in cases], extra_vars=interpreter)
    check_cases(sim, result, cases)


def test_role_fails_naming_the_setting_and_the_reason_with_zero_writes(sim, ansible, interpreter):
    setup = [
        {"name": "setup: converge a valid provider", "ansible.builtin.include_role": {
            "name": "wazo.confd.provider_interconnection"}, "vars": provider()},
        {"name": "setup: clear the request log", "ansible.builtin.uri": {
            "url": "{{ wazo_sim_url }}/__sim__/requests", "method": "DELETE", "status_code": 204}},
    ]
    cases = [item for item in cases_of(sim.generation) if item.module == "role"]
    result = ansible.run_tasks(setup + [role_block(item) for item in cases], extra_vars=interpreter)
    assert [task.name for task in result.tasks if task.name.startswith("setup") and task.failed] == [], \
        result.output()[-6000:]
    check_cases(sim, result, cases)


def test_the_table_is_wide_enough():
    modules = collections.Counter(item.module for item in CASES)
    assert len(CASES) >= 40
    assert set(modules) == {"wazo_sip_endpoint", "wazo_trunk", "wazo_register", "wazo_outcall", "wazo_incall",
                            "wazo_token", "role"}
