#!/usr/bin/env bash
# Benchmark of the messaging source against the local Vitess (not a test, not in CI): messages/s
# and acknowledgement latency with 1 s checkpoints. See docs/benchmarks.md.
#
#   e2e-tests/bench/messaging.sh
#
# Environment (all optional): BENCH_MESSAGES=20000, BENCH_SKIP_BUILD=1 (reuse the last build),
# FLINK_VERSION (e.g. 1.20.3), VITESS_* as for e2e-tests/vitess/vitess.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "${ROOT}"

log() { printf '[messaging.sh %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

log "starting the local Vitess (no-op when it runs)"
bash e2e-tests/vitess/vitess.sh up >/dev/null

CLASSPATH_FILE="${ROOT}/e2e-tests/target/bench-messaging.classpath"
MVN=(mvn -B -q -Dcheckstyle.skip -Dspotless.check.skip)
if [[ -n "${FLINK_VERSION:-}" ]]; then
  MVN+=("-Dflink.version=${FLINK_VERSION}")
fi
if [[ "${BENCH_SKIP_BUILD:-0}" != "1" || ! -s "${CLASSPATH_FILE}" ]]; then
  log "building the connector and the benchmark"
  "${MVN[@]}" -pl e2e-tests -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-messaging.classpath -Dmdep.includeScope=test
fi

log "running the benchmark"
java -Xmx1g -cp "${ROOT}/e2e-tests/target/test-classes:$(cat "${CLASSPATH_FILE}")" \
  -Dvitess.script="${ROOT}/e2e-tests/vitess/vitess.sh" \
  -Dlog4j2.configurationFile="${ROOT}/e2e-tests/bench/log4j2-bench.properties" \
  -Dbench.messages="${BENCH_MESSAGES:-20000}" \
  io.github.vstreamcdc.e2e.bench.MessageBenchmark
