#!/usr/bin/env bash
# Benchmark of the PlanetScale/Vitess source against the local Vitess (not a test): snapshot rows/s
# and binlog row events/s of the source next to a bare gRPC VStream consumer of the same data, and
# the JVM's heap while the source feeds a slow sink. Prints a results table; see docs/benchmarks.md.
#
#   e2e-tests/bench/run.sh
#
# Environment (all optional):
#   BENCH_ROWS=500000        rows of the snapshot table (commerce.bench_rows)
#   BENCH_EVENTS=300000      binlog row events (half inserts, half updates; commerce.bench_changes)
#   BENCH_ROUNDS=5           measured rounds, after the warm-up rounds
#   BENCH_WARMUP_ROUNDS=1    warm-up rounds (JIT, class loading), not counted
#   BENCH_BURSTS=5           measured rounds of binlog bursts into a long-running job (0: none)
#   BENCH_BURST_EVENTS=200000  row events per burst (half inserts, half updates)
#   BENCH_BURST_WARMUP=20    warm-up bursts (the JIT compilers settle), not counted
#   BENCH_BURST_TRICKLE=6000 single-row transactions into each consumer's table before the warm-up
#                            bursts (the code run once per VStream response gets compiled), 0: none
#   BENCH_LIVE_COPIES=11     measured copies of a table that appears while the long-running job runs
#   BENCH_LIVE_COPY_ROWS=200000  rows of each such table (at most BENCH_ROWS)
#   BENCH_LIVE_COPY_WARMUP=20 warm-up copies (the JIT compilers settle), not counted
#   BENCH_HEAP_SECONDS=30    how long each slow-sink job (copy, binlog) runs
#   BENCH_HEAP_CONTROL_SECONDS=10  how long the counter-example (no flow control) runs
#   BENCH_HEAP_SLEEP_MS=1    the slow sink's sleep per record
#   BENCH_HEAP=1g            -Xms/-Xmx of the benchmark JVM
#   BENCH_JAVA_OPTS=         more JVM options, e.g. -XX:StartFlightRecording=filename=bench.jfr
#   BENCH_OBJECT_REUSE=0     1: the source's jobs run with Flink's object reuse (a user setting)
#   BENCH_PHASES_ALTERNATE=0 1: each round runs both phases (copy, binlog), as before 2026-12-05;
#                            default: all copy rounds, then all binlog rounds
#   BENCH_THREAD_CPU=0       1: log each read's CPU time per group of threads (user and system)
#   BENCH_GENERIC_ROWS=0     1: the source makes GenericRowData (the DataStream default), not binary
#                            rows (RowDataDeserializationSchema#withBinaryRows, as the Table API)
#   FLINK_VERSION=           build against another Flink (e.g. 1.20.3); default: the pom's
#   BENCH_SKIP_BUILD=1       reuse the last build and class path
#   BENCH_RESULTS=FILE       also keep the results table (markdown) in FILE
set -euo pipefail

# shellcheck source=e2e-tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" run.sh
bench_prepare

RESULTS="${BENCH_RESULTS:-${WORK}/results.md}"
log "running the benchmark (about 2 minutes)"
# shellcheck disable=SC2086
java -Xms"${BENCH_HEAP:-1g}" -Xmx"${BENCH_HEAP:-1g}" ${BENCH_JAVA_OPTS:-} \
  -cp "${BENCH_CLASSPATH}" \
  -Dvitess.script="${ROOT}/e2e-tests/vitess/vitess.sh" \
  -Dlog4j2.configurationFile="${ROOT}/e2e-tests/bench/log4j2-bench.properties" \
  -Dbench.rows="${BENCH_ROWS:-500000}" \
  -Dbench.events="${BENCH_EVENTS:-300000}" \
  -Dbench.rounds="${BENCH_ROUNDS:-5}" \
  -Dbench.warmup.rounds="${BENCH_WARMUP_ROUNDS:-1}" \
  -Dbench.bursts="${BENCH_BURSTS:-5}" \
  -Dbench.burst.events="${BENCH_BURST_EVENTS:-200000}" \
  -Dbench.burst.warmup="${BENCH_BURST_WARMUP:-20}" \
  -Dbench.burst.trickle="${BENCH_BURST_TRICKLE:-6000}" \
  -Dbench.live.copies="${BENCH_LIVE_COPIES:-11}" \
  -Dbench.live.copy.rows="${BENCH_LIVE_COPY_ROWS:-200000}" \
  -Dbench.live.copy.warmup="${BENCH_LIVE_COPY_WARMUP:-20}" \
  -Dbench.heap.seconds="${BENCH_HEAP_SECONDS:-30}" \
  -Dbench.heap.control.seconds="${BENCH_HEAP_CONTROL_SECONDS:-10}" \
  -Dbench.heap.sleep.ms="${BENCH_HEAP_SLEEP_MS:-1}" \
  -Dbench.results="${RESULTS}" \
  -Dbench.object.reuse="$([[ "${BENCH_OBJECT_REUSE:-0}" == "1" ]] && echo true || echo false)" \
  -Dbench.phases.alternate="$([[ "${BENCH_PHASES_ALTERNATE:-0}" == "1" ]] && echo true || echo false)" \
  -Dbench.thread.cpu="$([[ "${BENCH_THREAD_CPU:-0}" == "1" ]] && echo true || echo false)" \
  -Dbench.generic.rows="$([[ "${BENCH_GENERIC_ROWS:-0}" == "1" ]] && echo true || echo false)" \
  io.github.vstreamcdc.e2e.bench.VStreamBenchmark

echo
echo "================================ results ================================"
cat "${RESULTS}"
