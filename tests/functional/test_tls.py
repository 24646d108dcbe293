"""TLS: the modules check the server's certificate by default, take a private CA with ca_path (or WAZO_CA_PATH), and
only skip the check when validate_certs is false, with a warning.

A private CA and a server certificate for 127.0.0.1 are made at test time (``cryptography``, a dependency of
ansible-core); the simulator serves HTTPS with them. All the cases run in one playbook.
"""

import datetime
import ipaddress

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.sim_fixture import Simulator

# its own HTTPS simulator, whatever the target
pytestmark = pytest.mark.simulator_only


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key_usage(**wanted):
    usages = dict(digital_signature=False, content_commitment=False, key_encipherment=False, data_encipherment=False,
                  key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False)
    usages.update(wanted)
    return x509.KeyUsage(**usages)


def make_ca(common_name):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(_name(common_name))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(digital_signature=True, key_cert_sign=True, crl_sign=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def make_server_cert(ca_key, ca_cert, address):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(_name(address)).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(address))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(digital_signature=True), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return key, cert


def _write_cert(path, cert):
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(path)


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tls")
    ca_key, ca_cert = make_ca("wazo.confd test CA")
    server_key, server_cert = make_server_cert(ca_key, ca_cert, "127.0.0.1")
    (directory / "server.key").write_bytes(server_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return {
        "ca": _write_cert(directory / "ca.pem", ca_cert),
        "other_ca": _write_cert(directory / "other-ca.pem", make_ca("another CA")[1]),
        "cert": _write_cert(directory / "server.pem", server_cert),
        "key": str(directory / "server.key"),
    }


@pytest.fixture(scope="module")
def tls_sim(tls_files):
    simulator = Simulator("current", tls_cert=tls_files["cert"], tls_key=tls_files["key"]).start()
    yield simulator
    simulator.stop()


@pytest.fixture
def sim(tls_sim):
    """The harness' simulator fixture, replaced by the HTTPS one: ``ansible`` then drives it."""
    return tls_sim


def lookup(name, **options):
    """A task that only reads (the endpoint called nothing-here is absent already)."""
    endpoint = dict({"name": "nothing-here", "state": "absent"}, **options)
    return dict({"name": name, "wazo.confd.wazo_sip_endpoint": endpoint, "ignore_errors": True})


def test_certificates_are_checked_by_default_and_a_private_ca_is_taken(sim, ansible, tls_files):
    assert sim.url.startswith("https://127.0.0.1:")
    localhost_url = sim.confd_url.replace("127.0.0.1", "localhost")
    tasks = [
        lookup("default: verification on, CA unknown"),
        lookup("ca_path", ca_path=tls_files["ca"]),
        dict(lookup("WAZO_CA_PATH"), environment={"WAZO_CA_PATH": tls_files["ca"]}),
        lookup("ca_path of another CA", ca_path=tls_files["other_ca"]),
        lookup("name that is not the certificate's", ca_path=tls_files["ca"], wazo_confd_url=localhost_url),
        lookup("validate_certs false", validate_certs=False),
        lookup("login over TLS with ca_path", ca_path=tls_files["ca"], wazo_token="", wazo_username=sim.username,
               wazo_password=sim.password),
    ]
    result = ansible.run_tasks(tasks)

    for name in ("default: verification on, CA unknown", "ca_path of another CA"):
        failed = result.task(name)
        assert failed.failed, name
        for words in ("certificate verification failed", "ca_path", "validate_certs"):
            assert words in failed.msg, (name, failed.msg)
        assert failed.warnings == [], "a certificate error is not retried: %s" % failed.warnings
    mismatch = result.task("name that is not the certificate's")
    assert mismatch.failed and "certificate verification failed" in mismatch.msg and "mismatch" in mismatch.msg

    for name in ("ca_path", "WAZO_CA_PATH", "login over TLS with ca_path"):
        task = result.task(name)
        assert not task.failed, (name, task.msg)
        assert task.warnings == [], (name, task.warnings)
    insecure = result.task("validate_certs false")
    assert not insecure.failed, insecure.msg
    assert len(insecure.warnings) == 1 and "validate_certs is false" in insecure.warnings[0]
    assert "ca_path" in insecure.warnings[0]

    # the refused handshakes never reached the server; the login's token was revoked
    paths = [(entry["method"], entry["path"].rsplit("/", 1)[0] if entry["path"].startswith("/0.1/token/")
              else entry["path"]) for entry in sim.requests()]
    assert paths.count(("GET", "/1.1/endpoints/sip")) == 4
    assert paths.count(("POST", "/0.1/token")) == 1 and paths.count(("DELETE", "/0.1/token")) == 1
