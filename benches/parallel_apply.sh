#!/usr/bin/env bash
# Time to a working deployment, old order against new, in one run (a benchmark run by hand,
# not a test: it takes about five minutes and its figures are wall times).
#
# It applies the quickstart (the stand-in charts in place of the WSO2 ones, which no test
# machine can download) to the test cluster twice: `--concurrency 1` (the steps one after
# another, the old order) and the default (every step whose needs are met, side by side).
# The servers start as slowly as real ones: the test cluster's kwok stages keep the charts'
# pods Pending in kmp-slow* namespaces, IS for 60 s and API-M for 90 s (scripts/test-cluster,
# write_delay_stages), and the named docker stand-in (tests/docker-standin) builds the IS
# image in 30 s. The bench plays the ingress controller (it gives every ingress an address),
# so the DNS step writes a hosts file of its own. The key-manager registration is left out:
# kwok pods run no process, so there is no API-M to register with (it is a few HTTP calls).
#
#   KMPILOT_TEST_CLUSTER_NAME=me scripts/test-cluster up
#   eval "$(KMPILOT_TEST_CLUSTER_NAME=me scripts/test-cluster env)"
#   benches/parallel_apply.sh            # KMPILOT_BIN=… to use a built binary
#
# Target (issue #15): the whole apply within 1.15× the longest chain of waits, where the
# sequential run takes their sum.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${KMPILOT_BIN:-}
if [ -z "$BIN" ]; then
  cargo build --quiet --bin kmpilot --manifest-path "$ROOT/Cargo.toml" >&2
  BIN=${CARGO_TARGET_DIR:-$ROOT/target}/debug/kmpilot
fi
kubectl get --raw /readyz >/dev/null || { echo "no test cluster: see the header of $0" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export PATH="$ROOT/tests/docker-standin:$PATH" DOCKER_STANDIN_STATE="$WORK/images" DOCKER_STANDIN_BUILD_SECONDS=30
export KEYSTORE_PASSWORD=bench-store-pw APIM_ADMIN_PASSWORD=bench-admin-pw

profile() { # namespace
  cat <<EOF
apiVersion: kmpilot/v1
kind: Profile
name: $1
cluster: { namespace: $1 }
identityServer:
  chart: $ROOT/tests/charts/identity-server-standin
  hostname: is.$1.test
  image: { build: true, base: wso2/wso2is:7.1.0, registry: localhost:5000, repository: wso2is-km, tag: "7.1.0", delivery: push }
apiManager:
  chart: $ROOT/tests/charts/wso2am-standin
  hostnames: { management: am.$1.test, gateway: gw.$1.test, websocket: ws.$1.test, websub: websub.$1.test }
keyManager: { register: false }
dns: { mode: hosts-file, hostsFile: $WORK/hosts-$1, waitSeconds: 600 }
EOF
}

# the ingress controller's part: every ingress of the namespace gets an address
publish_addresses() { # namespace
  while sleep 1; do
    for ing in $(kubectl get ingress -n "$1" -o name 2>/dev/null); do
      kubectl patch "$ing" -n "$1" --subresource=status --type=merge \
        -p '{"status":{"loadBalancer":{"ingress":[{"ip":"10.99.0.1"}]}}}' >/dev/null 2>&1 || true
    done
  done
}

run() { # label concurrency
  local ns="kmp-slow-$1" t0 t1 pub
  kubectl delete namespace "$ns" --wait=true --ignore-not-found >/dev/null
  profile "$ns" > "$WORK/$ns.yaml"
  echo "127.0.0.1 localhost" > "$WORK/hosts-$ns"
  publish_addresses "$ns" & pub=$!
  t0=$(date +%s.%N)
  KMPILOT_STATE_DIR="$WORK/state-$1" "$BIN" apply --yes -o json --concurrency "$2" \
    -f "$WORK/$ns.yaml" > "$WORK/$1.jsonl" 2> "$WORK/$1.err" || {
      kill "$pub"; echo "apply ($1) failed:" >&2; tail -20 "$WORK/$1.err" "$WORK/$1.jsonl" >&2; exit 1; }
  t1=$(date +%s.%N)
  kill "$pub"; wait "$pub" 2>/dev/null || true
  kubectl delete namespace "$ns" --wait=false >/dev/null
  echo "$t1 - $t0" | bc
}

# each step's own time, from the executor's events
step_secs() { # label step
  jq -r --arg s "$2" 'select(.event=="step-finished" and .step==$s) | .elapsed' "$WORK/$1.jsonl"
}

seq_s=$(run sequential 1)
par_s=$(run parallel 3)
s() { step_secs parallel "$1"; }
# the two chains of waits after the prerequisites: image build then IS; keystores then API-M
chain_is=$(echo "$(s is-image) + $(s identity-server)" | bc)
chain_am=$(echo "$(s keystores) + $(s api-manager)" | bc)
chain=$(echo "if ($chain_is > $chain_am) $chain_is else $chain_am" | bc)
longest=$(echo "$(s prerequisites) + $chain + $(s dns)" | bc)
printf 'sequential (--concurrency 1): %6.1f s\n' "$seq_s"
printf 'side by side (--concurrency 3): %6.1f s\n' "$par_s"
printf 'ratio sequential / side by side: %.2fx\n' "$(echo "$seq_s / $par_s" | bc -l)"
printf 'longest chain (prerequisites + max(image+IS, keystores+API-M) + dns): %.1f s\n' "$longest"
printf 'side by side / longest chain: %.3f (target <= 1.15)\n' "$(echo "$par_s / $longest" | bc -l)"
echo "steps (side by side run):"
jq -r 'select(.event=="step-finished") | "  \(.step): \(.elapsed) s"' "$WORK/parallel.jsonl"
