"""Two role runs at the same time, for two providers of one tenant, both API generations.

Two ansible-playbook processes start together, each with its own wazo-auth login and one provider (a
registration, an outcall with two dial patterns, two incalls); the first DID of both has the same destination,
so that their incalls are alike until bound. Both must succeed, and the tenant must then hold exactly what the
same two providers converged one after the other hold (state compared normalized: no duplicate, no orphan,
nothing missing, the same links). On legacy servers /registers/sip is server-wide: both registers are there,
each bound to its own trunk.
"""

import threading

import pytest

from reliability import NO_CONNECTION_ENV, normalize, provider, role_play, role_vars, state_difference

# two processes racing on one server: the engine's and the client's behaviour, the same under any ansible-core
pytestmark = pytest.mark.newest_only

PROVIDERS = [provider("alpha", did_base=5550160, patterns=("_NXXNXXXXXX", "911")),
             provider("beta", did_base=5550170, patterns=("_1NXXNXXXXXX", "_011.")),]


def by_name(items, key="name"):
    return dict((item[key], item) for item in items)


def run_together(runners, plays):
    """Start one ansible-playbook per play at the same moment; wait for all; return their results."""
    results = [None] * len(plays)
    start = threading.Barrier(len(plays))

    def run(index):
        start.wait()
        results[index] = runners[index].run_playbook(plays[index], env=NO_CONNECTION_ENV)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(plays))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_providers_converge_at_the_same_time(sim, ansible, generation, tmp_path):
    # What the two providers make when they converge one after the other.
    for one in PROVIDERS:
        ansible.run_playbook(role_play(role_vars(sim, [one])), env=NO_CONNECTION_ENV, expect_rc=0)
    sequential = normalize(sim.state())

    sim.reset()
    second = type(ansible)(sim, tmp_path / "second", ansible.collections_path)
    (tmp_path / "second").mkdir()
    results = run_together([ansible, second], [role_play(role_vars(sim, [one]), name="Converge %s" % one["name"])
                                               for one in PROVIDERS])
    for result in results:
        assert result.rc == 0 and not result.failed_tasks, result.output()[-5000:]

    state = sim.state()
    difference = state_difference(sequential, normalize(state))
    assert not difference, difference

    # And, spelled out: each provider complete, once.
    trunks = by_name([trunk for trunk in state["trunks"] if trunk.get("endpoint_sip")], key="id")
    assert sorted(trunk["endpoint_sip"]["name"] for trunk in trunks.values()) == ["alpha", "beta"]
    assert len(state["trunks"]) == 2 and len(state["endpoints_sip"]) == 2
    outcalls = by_name(state["outcalls"])
    assert sorted(outcalls) == ["alpha-out", "beta-out"]
    for one in PROVIDERS:
        outcall = outcalls["%s-out" % one["name"]]
        assert [trunks[trunk["id"]]["endpoint_sip"]["name"] for trunk in outcall["trunks"]] == [one["name"]]
        assert sorted(extension["exten"] for extension in outcall["extensions"]) == sorted(
            pattern["pattern"] for pattern in one["outcalls"][0]["dial_patterns"])
    dids = sorted(extension["exten"] for incall in state["incalls"] for extension in incall["extensions"])
    assert dids == ["5550160", "5550161", "5550170", "5550171"]
    assert len(state["incalls"]) == 4 and all(len(incall["extensions"]) == 1 for incall in state["incalls"])
    assert len(state["extensions"]) == 8 and all(
        extension.get("incall") or extension.get("outcall") for extension in state["extensions"])
    if generation == "legacy":
        registers = by_name(state["registers_sip"], key="remote_host")
        assert sorted(registers) == ["sip.alpha.example", "sip.beta.example"]
        for one in PROVIDERS:
            trunk = [trunk for trunk in trunks.values() if trunk["endpoint_sip"]["name"] == one["name"]][0]
            assert trunk["register_sip"]["id"] == registers["sip.%s.example" % one["name"]]["id"]
    else:
        for one in PROVIDERS:
            endpoint = by_name(state["endpoints_sip"])[one["name"]]
            client_uri = dict(map(tuple, endpoint["registration_section_options"]))["client_uri"]
            assert client_uri.startswith("sip:%s@%s" % (one["username"], one["host"]))
