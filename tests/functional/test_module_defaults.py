"""The action group: ``module_defaults: group/wazo.confd.wazo`` sets the connection once for every module.

The plays below give no connection option to any task and run with no WAZO_* variable in the environment, so
everything the modules know about the server comes from the play's module_defaults. One login (wazo_token) serves
the whole play: the group's defaults pick up the token registered by the first task.
"""

PLAY = """
- name: Interconnect with the connection set once
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/wazo.confd.wazo:
      wazo_confd_url: "{{ wazo_confd_url }}"
      wazo_auth_url: "{{ wazo_auth_url }}"
      wazo_username: admin
      wazo_password: admin-secret
      wazo_token: "{{ wazo_session.token | default(omit) }}"
      wazo_tenant: "{{ wazo_tenant }}"
      api_generation: "{{ wazo_session.api_generation | default('auto') }}"
  tasks:
    - name: Log in once
      wazo.confd.wazo_token:
      register: wazo_session
      no_log: true

    - name: SIP endpoint
      wazo.confd.wazo_sip_endpoint:
        name: groupprovider
        username: group-account
        secret: group-sip-secret
        host: sip.group.example

    - name: Trunk
      wazo.confd.wazo_trunk:
        name: groupprovider

    - name: Registration
      wazo.confd.wazo_register:
        trunk: groupprovider
        auth_username: group-account
        auth_password: group-sip-secret
        remote_host: sip.group.example

    - name: Outcall
      wazo.confd.wazo_outcall:
        name: group-national
        trunks: [groupprovider]
        extensions:
          - exten: _0XXXXXXXXX

    - name: Incall
      wazo.confd.wazo_incall:
        exten: "5550123"
        destination:
          type: user
          user: Alice Smoke

    - name: Log out
      wazo.confd.wazo_token:
        state: absent

- name: Without module_defaults nothing tells the modules where Wazo is
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Trunk without connection
      wazo.confd.wazo_trunk:
        name: groupprovider
      ignore_errors: true
"""

RESOURCES = ["SIP endpoint", "Trunk", "Registration", "Outcall", "Incall"]


def test_module_defaults_of_the_action_group_connect_every_module(sim, ansible):
    result = ansible.run_playbook(PLAY, connection_env=False)
    assert result.rc == 0, result.output()
    assert [task.name for task in result.changed_tasks if task.name in RESOURCES] == RESOURCES
    logins = [request for request in sim.requests() if request["method"] == "POST" and request["path"] == "/0.1/token"]
    revokes = [request for request in sim.requests() if request["method"] == "DELETE" and request["path"].startswith("/0.1/token/")]
    assert len(logins) == 1 and len(revokes) == 1, [(r["method"], r["path"]) for r in sim.requests() if "/0.1/" in r["path"]]
    # the generation detected by the login task is reused: /infos is read once at most
    assert len([request for request in sim.requests() if request["path"] == "/1.1/infos"]) <= 1

    alone = result.task("Trunk without connection")
    assert alone.failed and "wazo_url or wazo_confd_url is required" in alone.msg, alone.msg

    again = ansible.run_playbook(PLAY, connection_env=False)
    assert again.rc == 0, again.output()
    assert [task.name for task in again.changed_tasks if task.name in RESOURCES] == []
