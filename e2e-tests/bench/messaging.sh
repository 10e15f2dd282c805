#!/usr/bin/env bash
# Benchmark of the messaging source against the local Vitess (not a test, not in CI): messages/s
# and acknowledgement latency with 1 s checkpoints. See docs/benchmarks.md.
#
#   e2e-tests/bench/messaging.sh
#
# Environment (all optional): BENCH_MESSAGES=20000, BENCH_SKIP_BUILD=1 (reuse the last build),
# FLINK_VERSION (e.g. 1.20.3), VITESS_* as for e2e-tests/vitess/vitess.sh.
set -euo pipefail

# shellcheck source=e2e-tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" messaging.sh
bench_prepare

log "running the benchmark"
java -Xmx1g -cp "${BENCH_CLASSPATH}" \
  -Dvitess.script="${ROOT}/e2e-tests/vitess/vitess.sh" \
  -Dlog4j2.configurationFile="${ROOT}/e2e-tests/bench/log4j2-bench.properties" \
  -Dbench.messages="${BENCH_MESSAGES:-20000}" \
  io.github.vstreamcdc.e2e.bench.MessageBenchmark
