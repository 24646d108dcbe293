"""Command line: ``python -m tests.confd_simulator --host H --port P --generation current|legacy``."""

import argparse
import sys

from .server import build_server, url_of


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.confd_simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (the URL printed tells which)")
    parser.add_argument("--generation", choices=("current", "legacy"), default="current")
    parser.add_argument("--tls-cert", help="PEM certificate: serve HTTPS")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    parser.add_argument("--public-url", help="base of links and Location headers: a URL, or 'auto' for the URL each "
                        "client used (default: the recorded rig's, http://127.0.0.1:9486 current, :19486 legacy)")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    server = build_server(args.host, args.port, args.generation, args.tls_cert, args.tls_key, args.public_url)
    sys.stdout.write(url_of(server) + "\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
