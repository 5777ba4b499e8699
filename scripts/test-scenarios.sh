#!/usr/bin/env bash
# Runs the shared acceptance scenarios that KubeLab already passes, once per kubectl version found
# (the system kubectl, kubectl 1.30 and 1.33 from the Cloud SDK, else the 1.33 carried by a dev dependency).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${KUBELAB_SCENARIOS:-$ROOT/../shared/scenarios}
# shared watch/cache objects frozen, so a component that mutates one fails loudly (see apiserver/registry.ts)
export KUBELAB_FREEZE_SHARED=1
if [ ! -f "$SHARED/run.sh" ]; then echo "scenarios: $SHARED/run.sh not found; skipping (they live in ../shared beside the repo)"; exit 0; fi
mapfile -t GROUPS_ < <(if [ -n "${KUBELAB_SCENARIO_LIST:-}" ]; then echo "$KUBELAB_SCENARIO_LIST"; else grep -v '^#' "$ROOT/test/scenarios.list" | grep -v '^[[:space:]]*$'; fi)
declare -a KUBECTLS=()
# KUBELAB_KUBECTLS="PATH ..." picks the clients (e.g. one version for a second runtime); default: every one found
if [ -n "${KUBELAB_KUBECTLS:-}" ]; then for k in $KUBELAB_KUBECTLS; do [ -x "$k" ] && KUBECTLS+=("$k"); done; fi
[ ${#KUBECTLS[@]} -eq 0 ] && [ -x /usr/bin/kubectl ] && KUBECTLS+=(/usr/bin/kubectl)
[ -z "${KUBELAB_KUBECTLS:-}" ] && for v in 30 33; do [ -x /usr/lib/google-cloud-sdk/bin/kubectl.1.$v ] && KUBECTLS+=(/usr/lib/google-cloud-sdk/bin/kubectl.1.$v); done
if [ ${#KUBECTLS[@]} -eq 0 ]; then
  TOOLS=$(node "$ROOT/scripts/extract-tools.mjs" 2>/dev/null) && KUBECTLS+=("$TOOLS/kubectl")
fi
if [ ${#KUBECTLS[@]} -eq 0 ]; then echo "scenarios: skipped — no kubectl on this machine and the bundled one is unavailable"; exit 0; fi
total_pass=0; total_fail=0
for k in "${KUBECTLS[@]}"; do
  bindir=$(mktemp -d); ln -s "$k" "$bindir/kubectl"
  echo "== scenarios with $("$k" version --client 2>/dev/null | head -1) ($k)"
  for group in "${GROUPS_[@]}"; do
    # shellcheck disable=SC2206
    LIST=($group)
    out=$(PATH="$bindir:$PATH" bash "$SHARED/run.sh" "$ROOT" "${LIST[@]}" 2>&1); rc=$?
    printf '%s\n' "$out" | sed '$d'
    line=$(printf '%s\n' "$out" | tail -1)
    p=$(printf '%s' "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p'); f=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
    total_pass=$((total_pass + ${p:-0})); total_fail=$((total_fail + ${f:-1}))
    [ $rc -ne 0 ] && [ "${f:-0}" = 0 ] && total_fail=$((total_fail + 1))
  done
  rm -rf "$bindir"
done
echo "scenarios: $total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
