#!/usr/bin/env bash
# Benchmark of the source's deserializer alone (not a test, not in CI; no Vitess, no Flink job):
# nanoseconds per row event of turning VStream row images (the benchmark table's shape, half
# inserts, half updates, read in place as the source's decoder hands them over) into binary rows
# (the Table API's) written into a reused row (as the source's output lets it) and into rows of
# their own (as for any other collector; the baseline of the printed ratio), and into
# GenericRowData (the DataStream default), in interleaved rounds, each row copied as Flink's
# chain copies it. A quiet
# measure of per-row CPU changes, which the end-to-end benchmark's machine noise hides. See
# docs/benchmarks.md.
#
#   e2e-tests/bench/deserializer.sh
#
# Environment (all optional): BENCH_DESERIALIZER_EVENTS=400000, BENCH_DESERIALIZER_ROUNDS=40 (the
# figures are the medians of the last quarter), BENCH_DESERIALIZER_BINARY_ONLY=1 (binary rows
# only: the paths of Table API jobs, without the generic rows' share of the JIT's profiles; how
# changes to them are compared), BENCH_JAVA_OPTS (more JVM options, e.g. a JFR recording),
# BENCH_SKIP_BUILD=1 (reuse the last build), FLINK_VERSION (e.g.
# 1.20.3).
set -euo pipefail

# shellcheck source=e2e-tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" deserializer.sh
bench_prepare --no-vitess

log "running the benchmark"
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS holds several options
java -Xms1g -Xmx1g ${BENCH_JAVA_OPTS:-} -cp "${BENCH_CLASSPATH}" \
  -Dlog4j2.configurationFile="${ROOT}/e2e-tests/bench/log4j2-bench.properties" \
  -Dbench.deserializer.events="${BENCH_DESERIALIZER_EVENTS:-400000}" \
  -Dbench.deserializer.rounds="${BENCH_DESERIALIZER_ROUNDS:-40}" \
  -Dbench.deserializer.binary-only="$([[ "${BENCH_DESERIALIZER_BINARY_ONLY:-0}" == "1" ]] && echo true || echo false)" \
  io.github.vstreamcdc.e2e.bench.DeserializerBenchmark
