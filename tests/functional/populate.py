"""Fill the simulator's tenant with many unrelated objects, fast, through its confd API over HTTP.

``populate(sim, generation, count)`` creates ``count`` trunks (each bound to its own SIP endpoint
``noise-NNNN``) and ``count`` incalls (each with its DID extension ``5555NNN`` in the incall context),
so that a test can check that what a task sends does not depend on how big the tenant is. Requests go
over a few keep-alive connections in parallel: on a busy machine the round trips, not the simulator,
are what takes time.
"""

import http.client
import json
import threading
import urllib.parse

WORKERS = 8
NOISE_DID_BASE = 5555000


class _Connection:
    def __init__(self, sim):
        parts = urllib.parse.urlsplit(sim.url)
        self.http = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.headers = {"X-Auth-Token": sim.token, "Accept": "application/json", "Content-Type": "application/json"}

    def request(self, method, path, body=None):
        self.http.request(method, "/1.1" + path, body=None if body is None else json.dumps(body), headers=self.headers)
        response = self.http.getresponse()
        data = response.read()
        if response.status >= 300:
            raise AssertionError("%s %s answered %s: %s" % (method, path, response.status, data[:300]))
        return json.loads(data) if data else None

    def close(self):
        self.http.close()


def _create(sim, generation, indexes, contexts, errors):
    connection = _Connection(sim)
    try:
        for index in indexes:
            name = "noise-%04d" % index
            if generation == "current":
                endpoint = connection.request("POST", "/endpoints/sip", {"name": name, "label": name})
                endpoint_id = endpoint["uuid"]
            else:
                endpoint = connection.request("POST", "/endpoints/sip",
                                              {"name": name, "username": name, "type": "peer", "host": "dynamic"})
                endpoint_id = endpoint["id"]
            trunk = connection.request("POST", "/trunks", {"context": contexts["incall"]})
            connection.request("PUT", "/trunks/%s/endpoints/sip/%s" % (trunk["id"], endpoint_id))
            extension = connection.request("POST", "/extensions",
                                           {"exten": str(NOISE_DID_BASE + index), "context": contexts["incall"]})
            incall = connection.request("POST", "/incalls", {"destination": {"type": "none"}})
            connection.request("PUT", "/incalls/%s/extensions/%s" % (incall["id"], extension["id"]))
    except Exception as error:  # pylint: disable=broad-except  # reported by populate()
        errors.append(error)
    finally:
        connection.close()


def populate(sim, generation, count, start=0, workers=WORKERS):
    """Create ``count`` trunks with their SIP endpoints and ``count`` incalls with their DID extensions."""
    status, contexts = sim.api("GET", "/contexts")
    assert status == 200, contexts
    by_type = {context["type"]: context["name"] for context in contexts["items"]}
    indexes = list(range(start, start + count))
    errors = []
    threads = [threading.Thread(target=_create, args=(sim, generation, indexes[worker::workers], by_type, errors))
               for worker in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
