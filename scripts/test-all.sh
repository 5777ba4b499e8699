#!/usr/bin/env bash
# The README's test command (`npm test`). After one build, two tracks run side by side because they share no cluster
# and mostly wait on clusters rather than on the CPU: the unit/integration suite with the renderer and browser tests,
# and half the labs test with the shared acceptance scenarios (the other half ends the first track). On a 2-core CI
# machine this halves the wall time. Each line carries its track's name; KUBELAB_TEST_SERIAL=1 runs them one after
# the other instead.
set -uo pipefail
cd "$(dirname "$0")/.."

npm run build && npx vite build || exit 1

# the labs test is the longest single file: its labs are split into two shards, one at the end of each track
suite() { npx vitest run --exclude 'test/labs/**' && npm run test:renderer && npx vitest run --config e2e/vitest.config.mts && KUBELAB_LABS_SHARD=2/2 npx vitest run test/labs/labs.test.ts; }
labs() { KUBELAB_LABS_SHARD=1/2 npx vitest run test/labs && bash scripts/test-scenarios.sh; }

# runs one track with its name before each line; returns the track's own exit status
track() {
  local name=$1
  shift
  "$@" 2>&1 | sed -u "s/^/[$name] /"
  return "${PIPESTATUS[0]}"
}

if [ "${KUBELAB_TEST_SERIAL:-}" = 1 ]; then
  suite && labs
  exit $?
fi

track suite suite &
suite_pid=$!
track labs labs &
labs_pid=$!
wait "$suite_pid"
suite_rc=$?
wait "$labs_pid"
labs_rc=$?
echo "== test tracks: suite exit $suite_rc, labs+scenarios exit $labs_rc"
[ "$suite_rc" = 0 ] && [ "$labs_rc" = 0 ]
