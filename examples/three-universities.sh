#!/usr/bin/env bash
# Three universities, each running its own node as a separate process with
# its own home: the commands an operator at each university types, in order.
#
#   bash examples/three-universities.sh [DIR]
#
# DIR (default: a new temporary directory) holds the three homes. Set URSIC to
# an ursic binary to skip the build. The script stops the nodes when it ends
# and exits non-zero if any step did not behave as stated.
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=${1:-$(mktemp -d -t ursic-three-XXXXXX)}
mkdir -p "$DIR"
if [ -z "${URSIC:-}" ]; then
	go build -o "$DIR/ursic" ./cmd/ursic
	URSIC="$DIR/ursic"
fi
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }
at() { local who=$1; shift; "$URSIC" --home "$DIR/$who" "$@"; }
# wait_for SECONDS COMMAND...: retry COMMAND until it succeeds, at most SECONDS.
wait_for() {
	local deadline=$((SECONDS + $1)); shift
	until "$@" >/dev/null 2>&1; do
		if [ "$SECONDS" -ge "$deadline" ]; then echo "timed out waiting for: $*" >&2; return 1; fi
		sleep 0.2
	done
}

step "Each university creates its node and sends its member card to the executive"
for u in kyoto osaka tohoku; do
	at "$u" init --name "$u university (example)" > "$DIR/$u.card" 2> "$DIR/$u.init"
done

step "Kyoto announces its node by DNS name, as a university behind NAT would (docs/OPERATIONS.md)"
# The others dial /dns4/localhost/... here; a real node announces its public name.
tcp=$(grep -o '/ip4/127.0.0.1/tcp/[0-9]*' "$DIR/kyoto/config.json" | head -1)
sed -i "s|\"version\": 1,|\"version\": 1,\n  \"announce\": [\"/dns4/localhost/tcp/${tcp##*/}\"],|" "$DIR/kyoto/config.json"
at kyoto card > "$DIR/kyoto.card"
grep -q '"/dns4/localhost/tcp/' "$DIR/kyoto.card"
grep '/dns4/' "$DIR/kyoto.card"

if command -v openssl >/dev/null; then
	step "Osaka serves its local API over TLS (a self-signed certificate here)"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
		-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
		-keyout "$DIR/osaka/api-key.pem" -out "$DIR/osaka/api-cert.pem" 2>/dev/null
	chmod 600 "$DIR/osaka/api-key.pem"
	sed -i 's|"version": 1,|"version": 1,\n  "api_tls_cert": "api-cert.pem",\n  "api_tls_key": "api-key.pem",|' "$DIR/osaka/config.json"
fi

step "Kyoto writes the genesis roster (threshold 2 of 3 executives) and signs it; Osaka signs too"
at kyoto roster genesis --threshold 2 "$DIR/osaka.card" "$DIR/tohoku.card" > "$DIR/genesis.json"
at osaka roster sign "$DIR/genesis.json"

step "Every node installs the genesis (and pins its hash) and starts"
for u in kyoto osaka tohoku; do
	at "$u" roster apply "$DIR/genesis.json"
	# Not through `at`: a function run in the background is a subshell, and
	# killing the subshell would leave the node running after the script.
	"$URSIC" --home "$DIR/$u" run 2> "$DIR/$u.log" &
	pids+=($!)
done
connected() { [ "$(at "$1" status --json | grep -o '"peers_connected": [0-9]*' | grep -o '[0-9]*$')" = "$2" ]; }
for u in kyoto osaka tohoku; do wait_for 30 connected "$u" 2; done
at kyoto peers
if [ -f "$DIR/osaka/api-cert.pem" ]; then
	grep -q 'msg="local API listening".*tls=true' "$DIR/osaka.log"
	echo "osaka's local API answers over TLS"
fi

step "Kyoto publishes an AMBER indicator to the members"
amber=$(at kyoto publish --tlp amber examples/records/indicator-amber.json)
echo "$amber"
for u in osaka tohoku; do wait_for 15 at "$u" show "$amber"; echo "$u can read it"; done

step "Kyoto publishes a RED note to Osaka only"
osaka_id=$(grep -o '"peer_id": "[^"]*"' "$DIR/osaka.card" | cut -d'"' -f4)
red=$(at kyoto publish --tlp red --audience "$osaka_id" examples/records/indicator-clear.json)
wait_for 15 at osaka show "$red"
echo "osaka can read $red"
at kyoto status --json >/dev/null # let a sync round pass on every node
if at tohoku show "$red" >/dev/null 2>&1 || grep -rq "$red" "$DIR/tohoku"; then
	echo "FAIL: tohoku holds the RED record" >&2; exit 1
fi
echo "tohoku has no trace of it"

step "Tohoku is removed by a roster update signed by Kyoto and Osaka"
tohoku_id=$(grep -o '"peer_id": "[^"]*"' "$DIR/tohoku.card" | cut -d'"' -f4)
at kyoto roster propose --remove "$tohoku_id" > "$DIR/v2.json"
at kyoto roster sign "$DIR/v2.json"
at osaka roster sign "$DIR/v2.json"
at kyoto roster apply "$DIR/v2.json"
wait_for 30 connected tohoku 0
roster_v2() { at osaka roster show --json | grep -q '"version": 2'; }
wait_for 30 roster_v2
after=$(at kyoto publish --tlp amber examples/records/indicator-green.json)
wait_for 15 at osaka show "$after"
if at tohoku show "$after" >/dev/null 2>&1; then echo "FAIL: the removed member reads a new record" >&2; exit 1; fi
echo "osaka reads $after; tohoku, removed, does not"

step "All steps behaved as stated. Homes are in $DIR"
