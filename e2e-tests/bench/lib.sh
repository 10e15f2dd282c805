# Shared by the benchmark scripts (sourced, not run): starts the local Vitess, builds the connector
# and the benchmark classes, and puts private copies of the class directories on the class path.
#
#   source e2e-tests/bench/lib.sh NAME    # NAME: the script's name in log lines and file names
#   bench_prepare [--no-vitess]           # sets BENCH_CLASSPATH and WORK (removed on exit)
#
# Environment: FLINK_VERSION (build against another Flink), BENCH_SKIP_BUILD=1 (reuse the last build).

BENCH_NAME="${1:-bench}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "${ROOT}"

log() { printf '[%s %s] %s\n' "${BENCH_NAME}" "$(date +%H:%M:%S)" "$*" >&2; }

bench_prepare() {
  if [[ "${1:-}" != "--no-vitess" ]]; then
    log "starting the local Vitess (no-op when it runs)"
    bash e2e-tests/vitess/vitess.sh up >/dev/null
  fi

  local classpath_file="${ROOT}/e2e-tests/target/${BENCH_NAME}.classpath"
  local mvn=(mvn -B -q -Dcheckstyle.skip -Dspotless.check.skip)
  if [[ -n "${FLINK_VERSION:-}" ]]; then
    mvn+=("-Dflink.version=${FLINK_VERSION}")
  fi
  if [[ "${BENCH_SKIP_BUILD:-0}" != "1" || ! -s "${classpath_file}" ]]; then
    # A reactor build: the class path points at the modules' target/classes; nothing is installed.
    log "building the connector and the benchmark"
    "${mvn[@]}" -pl e2e-tests -am test-compile dependency:build-classpath \
      -Dmdep.outputFile="${classpath_file}" -Dmdep.includeScope=test
  fi

  # Private copies of the class directories, so that a concurrent build in this tree (other tests
  # share it) cannot change classes under the running benchmark.
  WORK="$(mktemp -d -t "${BENCH_NAME}.XXXXXX")"
  trap 'rm -rf "${WORK}"' EXIT
  local entries=() dependencies=() entry i=0
  IFS=":" read -r -a dependencies <"${classpath_file}" || true  # no newline at its end
  for entry in "${ROOT}/e2e-tests/target/test-classes" "${dependencies[@]}"; do
    if [[ -d ${entry} ]]; then
      i=$((i + 1))
      cp -r "${entry}" "${WORK}/classes-${i}"
      entries+=("${WORK}/classes-${i}")
    else
      entries+=("${entry}")
    fi
  done
  BENCH_CLASSPATH="$(IFS=':'; echo "${entries[*]}")"
  local class
  for class in io/github/vstreamcdc/e2e/bench/BenchCounters io/github/vstreamcdc/e2e/VitessCluster; do
    if [[ ! -f "${WORK}/classes-1/${class}.class" ]]; then
      log "ERROR: e2e-tests/target/test-classes lacks ${class} (a concurrent build?); run again"
      exit 1
    fi
  done
}
