#!/usr/bin/env bash
# Benchmark of the snapshot of one large unsharded table (not a test): rows/s of the VStream copy
# (one reader) next to the incremental snapshot (primary-key chunks) at parallelism 1, 2 and 4, in
# interleaved rounds after a warm-up round. Prints a results table; see docs/benchmarks.md.
#
#   e2e-tests/bench/snapshot.sh
#
# Environment (all optional):
#   BENCH_SNAPSHOT_ROWS=2000000  rows of commerce.bench_snapshot (loaded once, kept between runs)
#   BENCH_SNAPSHOT_ROUNDS=3      measured rounds
#   BENCH_SNAPSHOT_CHUNK=8096    scan.incremental-snapshot.chunk.size
#   BENCH_HEAP_SECONDS=30        how long the slow-sink job runs (heap after GC sampled every 2 s)
#   FLINK_VERSION=               build against another Flink (e.g. 1.20.3)
#   BENCH_SKIP_BUILD=1           reuse the last build and class path
#   BENCH_RESULTS=FILE           also keep the results table (markdown) in FILE
set -euo pipefail

# shellcheck source=e2e-tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" snapshot.sh
bench_prepare

log "running the benchmark (loads the table on first use: a few minutes)"
java -Xms1g -Xmx1g -cp "${BENCH_CLASSPATH}" \
  -Dvitess.script="${ROOT}/e2e-tests/vitess/vitess.sh" \
  -Dlog4j2.configurationFile="${ROOT}/e2e-tests/bench/log4j2-bench.properties" \
  -Dbench.snapshot.rows="${BENCH_SNAPSHOT_ROWS:-2000000}" \
  -Dbench.snapshot.rounds="${BENCH_SNAPSHOT_ROUNDS:-3}" \
  -Dbench.snapshot.chunk="${BENCH_SNAPSHOT_CHUNK:-8096}" \
  -Dbench.heap.seconds="${BENCH_HEAP_SECONDS:-30}" \
  ${BENCH_RESULTS:+-Dbench.results="${BENCH_RESULTS}"} \
  io.github.vstreamcdc.e2e.bench.SnapshotBenchmark
