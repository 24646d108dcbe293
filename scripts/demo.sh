#!/usr/bin/env bash
# The demo (`make demo`): interconnect a Wazo PBX with a VoIP provider, against the confd simulator.
#
#   1. start the wazo-confd/wazo-auth simulator on loopback, on a free port;
#   2. run the example playbook playbooks/interconnect.yml (provider of playbooks/vars/provider.yml);
#   3. show what the server now has, exported as variables of the role (playbooks/export.yml);
#   4. run the same playbook again: nothing to change (changed=0);
#   5. stop the simulator (also on failure or Ctrl-C).
#
# Environment: VENV (default .venv, created by `make venv`), DEMO_GENERATION (current|legacy, default current).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
venv=${VENV:-.venv}
generation=${DEMO_GENERATION:-current}
if [ ! -x "$venv/bin/python" ] || [ ! -x "$venv/bin/ansible-playbook" ]; then
    echo "demo: no virtualenv with ansible-playbook in $venv; run 'make venv' first (or set VENV)" >&2
    exit 1
fi
venv=$(cd "$venv" && pwd)
python="$venv/bin/python"

work=$(mktemp -d "${TMPDIR:-/tmp}/wazo-confd-demo.XXXXXX")
simulator_pid=""
stop_simulator() {
    if [ -n "$simulator_pid" ] && kill -0 "$simulator_pid" 2>/dev/null; then
        kill "$simulator_pid" 2>/dev/null || true
        wait "$simulator_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap stop_simulator EXIT
trap 'exit 130' INT TERM

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# The collection as Ansible finds it: <path>/ansible_collections/wazo/confd -> this working tree.
mkdir -p "$work/collections/ansible_collections/wazo"
ln -s "$root" "$work/collections/ansible_collections/wazo/confd"

step "Starting the wazo-confd simulator ($generation API generation) on loopback"
"$python" -u -m tests.confd_simulator --host 127.0.0.1 --port 0 --generation "$generation" \
    >"$work/simulator.out" 2>"$work/simulator.err" &
simulator_pid=$!
url=""
for _ in $(seq 1 100); do
    url=$(head -n 1 "$work/simulator.out" 2>/dev/null || true)
    [ -n "$url" ] && break
    if ! kill -0 "$simulator_pid" 2>/dev/null; then
        echo "demo: the simulator did not start:" >&2
        cat "$work/simulator.err" >&2
        exit 1
    fi
    sleep 0.1
done
if [ -z "$url" ]; then
    echo "demo: the simulator printed no URL within 10 s" >&2
    exit 1
fi
echo "simulator: $url (tenant acme, login admin)"

# Connection, exactly as for a real Wazo (where WAZO_URL=https://pbx.example.com would do for both APIs).
export WAZO_CONFD_URL="$url/1.1" WAZO_AUTH_URL="$url/0.1"
export WAZO_USERNAME=admin WAZO_PASSWORD=admin-secret WAZO_TENANT=a0000000-0000-4000-8000-000000000002
# The provider's SIP password: a secret, from the environment (an AWX/AAP credential injects it the same way).
export PROVIDER_PASSWORD="demo-sip-password"
export ANSIBLE_COLLECTIONS_PATH="$work/collections"
export ANSIBLE_PYTHON_INTERPRETER="$python"
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false

step "First run: ansible-playbook playbooks/interconnect.yml"
start=$(date +%s.%N)
"$venv/bin/ansible-playbook" playbooks/interconnect.yml
first=$(date +%s.%N)

step "What the server has now, exported as variables of the role: ansible-playbook playbooks/export.yml"
"$venv/bin/ansible-playbook" playbooks/export.yml -e export_file="$work/providers.yml" >"$work/export.txt" || {
    cat "$work/export.txt" >&2
    exit 1
}
cat "$work/providers.yml"

step "Second run of the same playbook: nothing to change"
"$venv/bin/ansible-playbook" playbooks/interconnect.yml | tee "$work/second-run.txt"
second=$(date +%s.%N)
if ! grep -Eq 'changed=0 .*failed=0' "$work/second-run.txt"; then
    echo "demo: the second run changed something: it should not have" >&2
    exit 1
fi

step "Done"
"$python" - "$start" "$first" "$second" <<'EOF'
import sys
start, first, second = (float(v) for v in sys.argv[1:])
print('first run %.1f s (configures everything), second run %.1f s (changed=0)' % (first - start, second - first))
EOF
echo "The simulator is stopped now. The same playbook runs against a real Wazo:"
echo "  WAZO_URL=https://pbx.example.com WAZO_USERNAME=... WAZO_PASSWORD=... PROVIDER_PASSWORD=... \\"
echo "    ansible-playbook playbooks/interconnect.yml"
