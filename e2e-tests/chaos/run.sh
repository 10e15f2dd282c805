#!/usr/bin/env bash
# The randomized soak of the connector against Vitess-side and Flink-side faults.
#
#   e2e-tests/chaos/run.sh [--runs N] [--seed S] [--faults F1,F2] [--flink VERSION]
#
# Each run picks a fault (task kill in the copy / mid-transaction / at a reshard cut-over, VTGate
# kill, planned or emergency reparent, vttablet or mysqld restart) and a moment at random, runs a
# counted write load, and checks no loss, no duplicate, order per key. Run i uses the seed S+i:
# `--runs 1 --seed <a failing run's seed>` repeats that run. The checking code is the e2e tests'
# (ChaosSoakITCase, driven through system properties); the table per fault kind is printed at the
# end and kept in e2e-tests/target/chaos-report.txt. Uses cluster.sh's cluster (CLUSTER_BASE_PORT,
# CLUSTER_DATA_DIR as for the e2e tests); stop it with `e2e-tests/vitess/cluster.sh down`.
# MAVEN_OFFLINE=1 runs Maven offline. See docs/reliability.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUNS=10
SEED="$(date +%s)"
FAULTS=""
FLINK=""

usage() {
  sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="${2:-}"; shift 2 ;;
    --seed) SEED="${2:-}"; shift 2 ;;
    --faults) FAULTS="${2:-}"; shift 2 ;;
    --flink) FLINK="${2:-}"; shift 2 ;;
    -h | --help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done
[[ ${RUNS} =~ ^[0-9]+$ && ${RUNS} -gt 0 ]] || { echo "--runs needs a positive number" >&2; exit 2; }
[[ ${SEED} =~ ^[0-9]+$ ]] || { echo "--seed needs a number" >&2; exit 2; }

args=(-B -ntp verify
  -pl "proto,flink-connector-planetscale,flink-sql-connector-planetscale,e2e-tests"
  -Dtest=ChaosSoakITCase -Dsurefire.failIfNoSpecifiedTests=false -DskipSqlTests
  "-Dchaos.runs=${RUNS}" "-Dchaos.seed=${SEED}")
[[ -z ${FAULTS} ]] || args+=("-Dchaos.faults=${FAULTS}")
[[ -z ${FLINK} ]] || args+=("-Dflink.version=${FLINK}")
[[ -z ${MAVEN_OFFLINE:-} ]] || args+=(-o)

echo "chaos: ${RUNS} runs from seed ${SEED}${FAULTS:+ (faults ${FAULTS})}" >&2
cd "${ROOT}"
rc=0
mvn "${args[@]}" || rc=$?
report="${ROOT}/e2e-tests/target/chaos-report.txt"
if [[ -f ${report} ]]; then cat "${report}"; fi
exit "${rc}"
