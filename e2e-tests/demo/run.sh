#!/usr/bin/env bash
# Quickstart: a Flink SQL job that prints the changelog of a Vitess table (row kind, shard, commit
# time, values) while a small load generator inserts, updates, deletes and moves rows between shards.
#
#   e2e-tests/demo/run.sh                    # local Vitess (started if needed), table customer.orders
#   e2e-tests/demo/run.sh --host vtgate.example.com --keyspace shop --table orders --no-load
#   DEMO_PASSWORD=pscale_pw_... e2e-tests/demo/run.sh --host aws.connect.psdb.cloud \
#       --username <user> --keyspace <database> --table <table>      # a PlanetScale database
#
# Ctrl-C stops the load generator and the Flink job. See docs/quickstart.md for all flags.
set -euo pipefail

DEMO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${DEMO_DIR}/../.." && pwd)"
VITESS_SH="${ROOT}/e2e-tests/vitess/vitess.sh"

HOST="${DEMO_HOST:-}"
# unset ports, TLS and auth method follow the host (PlanetScale's for a psdb.cloud host)
GRPC_PORT="${DEMO_GRPC_PORT:-}"
MYSQL_PORT="${DEMO_MYSQL_PORT:-}"
TLS="${DEMO_TLS:-}"
CA_CERT="${DEMO_CA_CERT:-}"
AUTH_METHOD="${DEMO_AUTH_METHOD:-}"
USERNAME="${DEMO_USERNAME:-root}"
KEYSPACE="${DEMO_KEYSPACE:-}"
TABLE="${DEMO_TABLE:-}"
STARTUP_MODE="${DEMO_STARTUP_MODE:-initial}"
LOAD="${DEMO_LOAD:-}"
FLINK_VERSION="${DEMO_FLINK_VERSION:-}"
SKIP_BUILD="${DEMO_SKIP_BUILD:-0}"
STOP_VITESS="${DEMO_STOP_VITESS:-0}"

usage() {
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
  cat <<'USAGE'
Flags (or environment variables):
  --host H            VTGate host (DEMO_HOST); without it the local Vitess is used (started if needed)
                      (a PlanetScale database: <region>.connect.psdb.cloud, with its ports, TLS, auth)
  --grpc-port P       VTGate gRPC port (DEMO_GRPC_PORT, default 15991; 443 for psdb.cloud)
  --mysql-port P      VTGate MySQL port (DEMO_MYSQL_PORT, default 15306; 3306 for psdb.cloud)
  --username U        user (DEMO_USERNAME, default root); the password only from DEMO_PASSWORD
                      (an environment variable shows in no process list)
  --tls | --no-tls    TLS to VTGate, gRPC and MySQL (DEMO_TLS=true|false; default on for psdb.cloud)
  --ca-cert F         PEM file of the CA to trust (DEMO_CA_CERT; default the JVM's trust store)
  --auth-method M     none | basic | vitess-static (DEMO_AUTH_METHOD; default basic for psdb.cloud,
                      else vitess-static with a username over TLS, none without TLS)
  --keyspace K        keyspace (DEMO_KEYSPACE, default customer)
  --table T           table name or regular expression (DEMO_TABLE, default orders)
  --startup-mode M    initial | snapshot | latest-offset (DEMO_STARTUP_MODE, default initial)
  --load | --no-load  run the load generator (DEMO_LOAD=true|false; default: on for the local Vitess only;
                      it needs the sample columns id, customer_id, amount, note)
  --flink-version V   e.g. 1.20.3 (DEMO_FLINK_VERSION; default the build's, 2.3.0)
  --skip-build        reuse the last build (DEMO_SKIP_BUILD=1)
  --stop-vitess       stop the local Vitess on exit if this run started it (DEMO_STOP_VITESS=1)
USAGE
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --host) HOST="$2"; shift 2 ;;
    --grpc-port) GRPC_PORT="$2"; shift 2 ;;
    --mysql-port) MYSQL_PORT="$2"; shift 2 ;;
    --username|--user) USERNAME="$2"; shift 2 ;;
    --tls) TLS=true; shift ;;
    --no-tls) TLS=false; shift ;;
    --ca-cert) CA_CERT="$2"; shift 2 ;;
    --auth-method) AUTH_METHOD="$2"; shift 2 ;;
    --password) echo "pass the password in DEMO_PASSWORD, not on the command line" >&2; exit 2 ;;
    --keyspace) KEYSPACE="$2"; shift 2 ;;
    --table) TABLE="$2"; shift 2 ;;
    --startup-mode) STARTUP_MODE="$2"; shift 2 ;;
    --load) LOAD=true; shift ;;
    --no-load) LOAD=false; shift ;;
    --flink-version) FLINK_VERSION="$2"; shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    --stop-vitess) STOP_VITESS=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done

log() { echo "[demo] $*" >&2; }

command -v java >/dev/null || { log "java (11 or newer) is required"; exit 1; }
command -v mvn >/dev/null || { log "Maven (3.8 or newer) is required"; exit 1; }

trap 'echo >&2; log "interrupted"; exit 130' INT TERM

STARTED_VITESS=0
if [[ -z "${HOST}" ]]; then
  # The local Vitess of the end-to-end tests (installs what is missing on the first run).
  if ! bash "${VITESS_SH}" status >/dev/null 2>&1; then
    log "starting the local Vitess (the first run builds it: a few minutes)"
    STARTED_VITESS=1
  fi
  eval "$(bash "${VITESS_SH}" up | grep -E '^[A-Z_]+=')"
  HOST="${VTGATE_HOST}"
  GRPC_PORT="${VTGATE_GRPC_PORT}"
  MYSQL_PORT="${VTGATE_MYSQL_PORT}"
  KEYSPACE="${KEYSPACE:-customer}"
  TABLE="${TABLE:-orders}"
  LOAD="${LOAD:-true}"
else
  KEYSPACE="${KEYSPACE:-customer}"
  TABLE="${TABLE:-orders}"
  LOAD="${LOAD:-false}"
fi

MVN_ARGS=(-B -q -Dcheckstyle.skip -Dspotless.check.skip)
if [[ -n "${FLINK_VERSION}" ]]; then
  MVN_ARGS+=("-Dflink.version=${FLINK_VERSION}")
fi
SQL_JAR_DIR="${ROOT}/flink-sql-connector-planetscale/target"
if [[ "${SKIP_BUILD}" != 1 ]]; then
  log "building the SQL connector jar and the demo job (log: ${DEMO_DIR}/target/build.log)"
  mkdir -p "${DEMO_DIR}/target"
  if ! { mvn "${MVN_ARGS[@]}" -f "${ROOT}/pom.xml" -pl flink-sql-connector-planetscale -am package -DskipTests \
      && mvn "${MVN_ARGS[@]}" -f "${DEMO_DIR}/pom.xml" compile dependency:build-classpath \
        -Dmdep.outputFile="${DEMO_DIR}/target/classpath.txt"; } >"${DEMO_DIR}/target/build.log" 2>&1; then
    tail -40 "${DEMO_DIR}/target/build.log" >&2
    log "the build failed; see ${DEMO_DIR}/target/build.log"
    exit 1
  fi
fi
SQL_JAR="$(ls "${SQL_JAR_DIR}"/flink-sql-connector-planetscale-*.jar 2>/dev/null | grep -v original- | head -1 || true)"
[[ -n "${SQL_JAR}" && -f "${DEMO_DIR}/target/classpath.txt" ]] || { log "nothing built yet: run without --skip-build"; exit 1; }

# Like a Flink installation: Flink and the MySQL driver (the demo's class path) plus the SQL jar.
CLASSPATH="${DEMO_DIR}/target/classes:${SQL_JAR}:$(cat "${DEMO_DIR}/target/classpath.txt")"
JAVA_OPTS=(--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.math=ALL-UNNAMED)

DEMO_ARGS=(--host "${HOST}" --username "${USERNAME}" --keyspace "${KEYSPACE}" --table "${TABLE}"
  --startup-mode "${STARTUP_MODE}" --load "${LOAD}")
[[ -n "${GRPC_PORT}" ]] && DEMO_ARGS+=(--grpc-port "${GRPC_PORT}")
[[ -n "${MYSQL_PORT}" ]] && DEMO_ARGS+=(--mysql-port "${MYSQL_PORT}")
[[ -n "${TLS}" ]] && DEMO_ARGS+=(--tls "${TLS}")
[[ -n "${CA_CERT}" ]] && DEMO_ARGS+=(--ca-cert "${CA_CERT}")
[[ -n "${AUTH_METHOD}" ]] && DEMO_ARGS+=(--auth-method "${AUTH_METHOD}")
log "reading ${KEYSPACE}.${TABLE} from ${HOST} (gRPC port ${GRPC_PORT:-default}, MySQL port ${MYSQL_PORT:-default}); Ctrl-C stops"
java "${JAVA_OPTS[@]}" -cp "${CLASSPATH}" io.github.vstreamcdc.demo.ChangelogDemo "${DEMO_ARGS[@]}" &
JOB_PID=$!

cleanup() {
  trap - INT TERM
  if kill -0 "${JOB_PID}" 2>/dev/null; then
    kill -TERM "${JOB_PID}" 2>/dev/null || true
    # The JVM's shutdown hook stops the load and cancels the job.
    for _ in $(seq 1 30); do kill -0 "${JOB_PID}" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "${JOB_PID}" 2>/dev/null || true
  fi
  wait "${JOB_PID}" 2>/dev/null || true
  if [[ "${STARTED_VITESS}" == 1 ]]; then
    if [[ "${STOP_VITESS}" == 1 ]]; then
      log "stopping the local Vitess"
      bash "${VITESS_SH}" down >/dev/null 2>&1 || true
    else
      log "the local Vitess keeps running for the next run; stop it with: ${VITESS_SH} down"
    fi
  fi
  log "stopped"
}
trap 'cleanup; exit 0' INT TERM

set +e
wait "${JOB_PID}"
STATUS=$?
set -e
cleanup
exit "${STATUS}"
