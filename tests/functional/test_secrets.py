"""No secret ever shows: not in the output of ansible-playbook at -vvvv (stdout, stderr), nor in any task result
(returned values, diffs, warnings, error messages), in a real run with --diff and in a check-mode run, both API
generations.

Every secret has a distinctive value, so that a leak anywhere is found by a plain substring search: the wazo-auth
password, the simulator's token given as wazo_token, the provider password given to the role (which passes it as
``secret`` and ``auth_password``), the modules' own secrets (``secret``, ``auth_password``, a secret chan_sip/PJSIP
option, an incall's DISA ``pin``), a wrong password, an unknown token, and every token obtained from wazo-auth (read
back from the revocations in the simulator's request log). Failing cases make the server echo secrets: confd's 401
bodies echo the token (confd-api.md 1.4), and injected faults echo a token or a password in error bodies.
"""

import json

import pytest

# faults injected from the playbook (POST /__sim__/faults), so that the server echoes secrets
pytestmark = pytest.mark.simulator_only

PROVIDER_PASSWORD = "Role-Pw-Leak-8c2f1e"
ENDPOINT_SECRETS = ("Ep-Secret-Leak-1a9d", "Ep-Secret-Leak-2b7e", "Ep-Secret-Leak-3c6f")
OPTION_SECRETS = ("Opt-Secret-Leak-4d5a", "Opt-Secret-Leak-5e4b")
REGISTER_SECRETS = ("Reg-Secret-Leak-6f3c", "Reg-Secret-Leak-7a2d")
DISA_PINS = ("73914682", "73914683")
WRONG_PASSWORD = "Wrong-Pw-Leak-8b1e"
UNKNOWN_TOKEN = "feedface-0000-4000-8000-00000000beef"
ENDPOINT = "leak-ep"


def fault(sim, method, path, status, body, name):
    """A task that adds a fault to the simulator (no_log: its body may hold a secret)."""
    spec = {"method": method, "path": path, "status": status, "body": body}
    request = {"url": sim.url + "/__sim__/faults", "method": "POST", "body_format": "json", "body": spec,
               "status_code": 201}
    return {"name": name, "ansible.builtin.uri": request, "no_log": True}


def role_play(sim, password):
    provider = {"name": "leakcheck", "host": "sip.leak.example", "username": "4185550199", "password": password,
                "outcalls": [{"name": "leakcheck-out", "dial_patterns": [{"pattern": "_NXXNXXXXXX"}]}],
                "incalls": [{"did": "5550199", "destination": {"type": "user", "user": "Alice Smoke"}}]}
    return {"name": "role with a login", "hosts": "localhost", "gather_facts": False, "roles": [{
        "role": "wazo.confd.provider_interconnection", "vars": {
            "provider_interconnection_wazo_username": sim.username,
            "provider_interconnection_wazo_password": sim.password,
            "provider_interconnection_providers": [provider]}}]}


def module_play(sim, generation, run):
    """Every module with its secrets, then failing cases that make the server echo secrets.

    run 0: create then update, and the failing cases (real run); run 1: update again (check mode; the failing
    cases fail before any write, as in the real run, and are not repeated)."""
    first, second = (0, 1) if run == 0 else (2, 2)
    secret_options = ({"options": {"remotesecret": OPTION_SECRETS[run]}} if generation == "legacy"
                      else {"auth_section_options": {"password": OPTION_SECRETS[run]}})
    endpoint = dict({"name": ENDPOINT, "username": "leak-user", "host": "sip.leak.example"}, **secret_options)
    register = {"trunk": ENDPOINT, "auth_username": "leak-user", "remote_host": "sip.leak.example"}
    disa = {"type": "application", "application": "disa", "context": "default"}
    tasks = [
        {"name": "open a session", "wazo.confd.wazo_token": {"wazo_token": "", "wazo_username": sim.username,
                                                             "wazo_password": sim.password},
         "register": "session", "no_log": True},
        {"name": "endpoint", "wazo.confd.wazo_sip_endpoint": dict(endpoint, secret=ENDPOINT_SECRETS[first])},
        {"name": "endpoint, new secret",
         "wazo.confd.wazo_sip_endpoint": dict(endpoint, secret=ENDPOINT_SECRETS[second])},
        {"name": "trunk", "wazo.confd.wazo_trunk": {"name": ENDPOINT}},
        {"name": "register", "wazo.confd.wazo_register": dict(register, auth_password=REGISTER_SECRETS[run])},
        {"name": "outcall", "wazo.confd.wazo_outcall": {"name": "leak-out", "trunks": [ENDPOINT],
                                                        "extensions": [{"exten": "_9X."}]}},
        {"name": "incall", "wazo.confd.wazo_incall": {"exten": "5550198",
                                                      "destination": dict(disa, pin=DISA_PINS[run])}},
    ]
    failures = [
        # ---- failures; the server's answers hold secrets ----
        {"name": "wrong password", "wazo.confd.wazo_trunk": {
            "name": ENDPOINT, "wazo_token": "", "wazo_username": sim.username, "wazo_password": WRONG_PASSWORD},
         "ignore_errors": True},
        {"name": "unknown token (echoed by the 401)", "wazo.confd.wazo_trunk": {
            "name": ENDPOINT, "wazo_token": UNKNOWN_TOKEN}, "ignore_errors": True},
        fault(sim, "GET", "^/1.1/trunks", 401, ["('%s', 'confd.trunks.read')" % sim.token], "fault: 401 echoing"),
        {"name": "given token echoed by a 401", "wazo.confd.wazo_trunk": {"name": ENDPOINT, "wazo_token": sim.token},
         "ignore_errors": True},
        fault(sim, "GET", "^/1.1/trunks", 401, ["('{{ session.token }}', 'confd.trunks.read')"], "fault: 401 again"),
        {"name": "session token echoed by a 401", "wazo.confd.wazo_trunk": {"name": ENDPOINT},
         "ignore_errors": True},
        fault(sim, "POST", "^/0.1/token$", 500, ["Unexpected error: login admin:%s" % sim.password],
              "fault: login error echoing the password"),
        {"name": "login error echoing the password", "wazo.confd.wazo_outcall": {
            "name": "leak-out", "wazo_token": "", "wazo_username": sim.username, "wazo_password": sim.password},
         "ignore_errors": True},
        fault(sim, "*", "^/1.1/endpoints/sip", 400, ["Input Error - secret: '%s' is refused" % ENDPOINT_SECRETS[2],
                                                     "Input Error - remotesecret/password: %s" % OPTION_SECRETS[run]],
              "fault: error echoing the endpoint secrets"),
        {"name": "error echoing the endpoint secrets", "wazo.confd.wazo_sip_endpoint": dict(
            endpoint, secret=ENDPOINT_SECRETS[2], host="sip2.leak.example"), "ignore_errors": True},
        {"name": "clear the faults", "ansible.builtin.uri": {"url": sim.url + "/__sim__/faults", "method": "DELETE",
                                                             "status_code": 204}},
    ]
    tasks += (failures if run == 0 else []) + [
        fault(sim, "DELETE", "^/0.1/token/", 500, ["cannot revoke {{ session.token }}"],
              "fault: revocation error echoing the token"),
        {"name": "close the session",
         "wazo.confd.wazo_token": {"state": "absent", "wazo_token": "{{ session.token }}"}},
    ]
    defaults = {name: "{{ %s }}" % name for name in ("wazo_confd_url", "wazo_auth_url", "wazo_tenant",
                                                     "api_generation")}
    defaults["wazo_token"] = "{{ session.token | default(omit) }}"
    return {"name": "modules", "hosts": "localhost", "gather_facts": False,
            "module_defaults": {"group/wazo.confd.wazo": defaults}, "tasks": tasks}


def through_variables(value, names):
    """value with every secret replaced by a reference to the variable that holds it. A user keeps secrets out of
    playbooks (Vault, extra vars, environment); so does the test, also because ansible-core >= 2.19 prints the
    playbook lines around a failed task."""
    if isinstance(value, dict):
        return dict((key, through_variables(item, names)) for key, item in value.items())
    if isinstance(value, list):
        return [through_variables(item, names) for item in value]
    if isinstance(value, str):
        for secret in sorted(names, key=len, reverse=True):
            value = value.replace(secret, "{{ %s }}" % names[secret])
    return value


def obtained_tokens(sim):
    """Tokens wazo-auth gave during the run: every one was revoked (or its revocation tried)."""
    return [entry["path"].rsplit("/", 1)[1] for entry in sim.requests()
            if entry["method"] == "DELETE" and entry["path"].startswith("/0.1/token/")]


def run_and_check(sim, ansible, generation, run, check):
    sim.clear_requests()
    given = ((sim.password, sim.token, PROVIDER_PASSWORD, PROVIDER_PASSWORD + "-2", WRONG_PASSWORD, UNKNOWN_TOKEN)
             + ENDPOINT_SECRETS + OPTION_SECRETS + REGISTER_SECRETS + DISA_PINS)
    names = dict((secret, "leak_%d" % index) for index, secret in enumerate(given))
    plays = through_variables([role_play(sim, PROVIDER_PASSWORD if run == 0 else PROVIDER_PASSWORD + "-2"),
                               module_play(sim, generation, run)], names)
    assert not any(secret in json.dumps(plays) for secret in given)
    result = ansible.run_playbook(plays, extra_vars=dict((name, secret) for secret, name in names.items()),
                                  check=check, diff=True, verbosity=4, env={"WAZO_TOKEN": None})
    tokens = obtained_tokens(sim)
    assert len(tokens) >= 2, "at least the role's session and the play's session: %s" % tokens
    secrets = given + tuple(tokens)
    recorded = json.dumps(result.tasks)
    places = {"stdout": result.stdout, "stderr": result.stderr, "task results": recorded}
    leaks = ["%s in %s" % (secret, place) for secret in secrets for place, text in places.items() if secret in text]
    assert leaks == [], "secrets leaked: %s\n%s" % (leaks, result.output()[-4000:])
    return result


def assert_cases(result, check):
    if not check:
        assert result.task("endpoint").changed and result.task("endpoint, new secret").changed
    assert result.task("register").changed
    for name in ("endpoint", "trunk", "register", "outcall", "incall"):
        assert not result.task(name).failed, (name, result.task(name).msg)
    refused = [("wrong password", "wazo_password"), ("unknown token (echoed by the 401)", "token was refused"),
               ("given token echoed by a 401", "token was refused"), ("session token echoed by a 401", "refused"),
               ("login error echoing the password", "POST /token returned 500"),
               ("error echoing the endpoint secrets", "returned 400")]
    for name, words in refused if not check else []:
        task = result.task(name)
        assert task.failed and words in task.msg, (name, task.msg)
    endpoint_diff = result.task("endpoint, new secret" if not check else "endpoint").diff
    assert "********" in json.dumps(endpoint_diff), endpoint_diff


def test_no_secret_anywhere_at_high_verbosity_with_diff_real_and_check_mode(sim, ansible, generation):
    real = run_and_check(sim, ansible, generation, 0, check=False)
    assert_cases(real, check=False)
    closed = real.task("close the session")
    assert closed.warnings and "revoke" in closed.warnings[0], closed.warnings
    sim.clear_faults()
    checked = run_and_check(sim, ansible, generation, 1, check=True)
    assert_cases(checked, check=True)
