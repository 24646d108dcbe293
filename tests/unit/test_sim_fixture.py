"""The unit-test simulator fixture works under ansible-test units (subprocess, loopback HTTP)."""


def test_confd_sim_answers_infos(confd_sim, generation):
    status, infos = confd_sim.api("GET", "/infos")

    assert status == 200
    major, minor = (int(part) for part in infos["wazo_version"].split(".")[:2])
    assert ((major, minor) <= (20, 12)) == (generation == "legacy")
    assert [(entry["method"], entry["path"]) for entry in confd_sim.requests()] == [("GET", "/1.1/infos")]
