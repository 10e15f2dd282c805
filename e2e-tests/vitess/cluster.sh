#!/usr/bin/env bash
# A real multi-process Vitess v24 for the resharding end-to-end tests, in the classic layout of
# Vitess' own examples/local: etcd (topo), vtctld, vtgate, and per tablet a mysqlctl-initialised
# mysqld + a vttablet. One keyspace (`resharded`), shards -80 and 80-, one PRIMARY tablet per shard.
#
#   cluster.sh up                       install what is missing (via vitess.sh install), start, print KEY=value
#   cluster.sh status                   print the KEY=value lines; exit 0 if healthy, else 1
#   cluster.sh down                     stop exactly what was started and remove the data dir
#   cluster.sh reshard split            -80,80- -> -40,40-80,80-c0,c0-   (Reshard create/SwitchTraffic/Complete)
#   cluster.sh reshard merge            back to -80,80-
#   cluster.sh reshard <shard,shard..>  any other target shard set covering the key space
#   cluster.sh reshard cancel           cancel an interrupted Reshard workflow and drop its target shards
#   cluster.sh drop-retired-shards      delete the old shards kept by KEEP_SOURCE_SHARDS=1
#   cluster.sh restart-vtgate [SECS] [kill]  stop vtgate (SIGTERM, or SIGKILL with `kill`), wait SECS
#                                       (default 0), start it again on the same ports
#   cluster.sh replicas N [M]           N REPLICA (and M RDONLY) tablets per serving shard (adds or removes)
#   cluster.sh reparent planned SHARD   PlannedReparentShard to one of the shard's REPLICAs
#   cluster.sh reparent emergency SHARD kill -9 the PRIMARY's mysqld, EmergencyReparentShard, bring the old
#                                       primary back as a REPLICA
#   cluster.sh restart-tablet SHARD TYPE [kill]  restart the vttablet of the shard's TYPE tablet
#   cluster.sh restart-mysqld SHARD TYPE [kill]  restart the mysqld of the shard's TYPE tablet
#   cluster.sh throttle-copy on|off     hold VStream copy phases back (tablet throttler, rowstreamer)
#   cluster.sh reload-schema            make the tablets load the keyspace's schema now (after DDL)
#
# Progress and errors go to stderr; stdout only carries KEY=value lines. See README.md beside this file.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "${SCRIPT_DIR}/lib.sh"
CONFIG_SRC_DIR="${SCRIPT_DIR}/cluster"
VITESS_SH="${CLUSTER_VITESS_SH:-${SCRIPT_DIR}/vitess.sh}"

# ---------------------------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------------------------
DATA_DIR="${CLUSTER_DATA_DIR:-$(default_data_dir cluster)}"
DATA_DIR="${DATA_DIR%/}"
BASE_PORT="${CLUSTER_BASE_PORT:-16000}"
KEYSPACE="${CLUSTER_KEYSPACE:-resharded}"
INITIAL_SHARDS="${CLUSTER_INITIAL_SHARDS:--80,80-}"
SPLIT_SHARDS="-40,40-80,80-c0,c0-"
MERGE_SHARDS="-80,80-"
CELL="zone1"
WORKFLOW="${CLUSTER_WORKFLOW:-w}"
START_TIMEOUT="${CLUSTER_START_TIMEOUT:-300}"
RESHARD_TIMEOUT="${CLUSTER_RESHARD_TIMEOUT:-600}"
KEEP_SOURCE_SHARDS="${KEEP_SOURCE_SHARDS:-0}"
RESHARD_VDIFF="${CLUSTER_RESHARD_VDIFF:-0}"
# vtgate buffers PRIMARY traffic during the traffic switch (as PlanetScale does)
VTGATE_BUFFER="${CLUSTER_VTGATE_BUFFER:-1}"
# how often vtgate looks for new tablets in the topo (Vitess' default: 1m)
TABLET_REFRESH="${CLUSTER_TABLET_REFRESH_INTERVAL:-1s}"
# REPLICA / RDONLY tablets per shard made by `up` and `reshard` (0: PRIMARY only, the cheapest)
REPLICAS="${CLUSTER_REPLICAS:-0}"
RDONLYS="${CLUSTER_RDONLY:-0}"
# tablets alive at once (the largest step, a split of 2 into 4 shards, needs 6)
MAX_TABLETS=16

ETCD_PORT=$((BASE_PORT))
ETCD_PEER_PORT=$((BASE_PORT + 1))
VTCTLD_HTTP_PORT=$((BASE_PORT + 2))
VTCTLD_GRPC_PORT=$((BASE_PORT + 3))
VTGATE_HTTP_PORT=$((BASE_PORT + 4))
VTGATE_GRPC_PORT=$((BASE_PORT + 5))
VTGATE_MYSQL_PORT=$((BASE_PORT + 6))
# tablet slot s (0 .. MAX_TABLETS-1): vttablet HTTP, vttablet gRPC, mysqld
TABLET_PORT_BASE=$((BASE_PORT + 10))
LAST_PORT=$((TABLET_PORT_BASE + 3 * MAX_TABLETS - 1))

PID_DIR="${DATA_DIR}/pids"
LOG_DIR="${DATA_DIR}/logs"
CONF_DIR="${DATA_DIR}/config"
STATE_FILE="${DATA_DIR}/state.env"
TABLETS_FILE="${DATA_DIR}/tablets"
NEXT_UID_FILE="${DATA_DIR}/next_uid"
ENV_FILE="${DATA_DIR}/cluster.env"
LOCK_FILE="${DATA_DIR}.lock"
# every process we start carries this in its environment: `down` finds leftovers by it
MARKER="CLUSTER_SH_DATA_DIR=${DATA_DIR}"

VTROOT=""
MYSQL_ROOT=""

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
# true if process $1 was started by this script for this data dir
is_ours() {
  pid_alive "${1:-}" && environ_has "$1" "${MARKER}"
}

# pid from a pid file, if that process is alive and ours
owned_pid() {
  pid_from_file "$1" environ_has "${MARKER}"
}

# vtctldclient against our vtctld; output on stdout, errors on stderr
vtctl() {
  "${VTROOT}/bin/vtctldclient" --server "127.0.0.1:${VTCTLD_GRPC_PORT}" --action-timeout "${VTCTL_TIMEOUT:-120s}" "$@"
}

# runs vtctldclient; on failure dies with its output
vtctl_or_die() {
  local out
  if ! out="$(vtctl "$@" 2>&1)"; then
    printf '%s\n' "${out}" | tail -n 30 >&2
    die "vtctldclient $* failed"
  fi
  [[ -z ${out} ]] || printf '%s\n' "${out}" >&2
}

csv_sort() { tr ',' '\n' | sed '/^$/d' | LC_ALL=C sort | paste -sd, -; }

# ---------------------------------------------------------------------------------------------
# Installation: vitess.sh does it (one copy of the install logic); we only ask for more binaries
# ---------------------------------------------------------------------------------------------
install_all() {
  [[ -f ${VITESS_SH} ]] || die "${VITESS_SH} not found (CLUSTER_VITESS_SH)"
  local out
  if ! out="$(VITESS_EXTRA_BINARIES="vtctld vtgate vttablet ${VITESS_EXTRA_BINARIES:-}" \
    VITESS_EXTRA_APT_PACKAGES="etcd-server ${VITESS_EXTRA_APT_PACKAGES:-}" \
    bash "${VITESS_SH}" install)"; then
    die "installing Vitess and MySQL with '${VITESS_SH} install' failed (see above; that script needs the 'install' subcommand)"
  fi
  VTROOT="$(sed -n 's/^VTROOT=//p' <<<"${out}")"
  MYSQL_ROOT="$(sed -n 's/^VT_MYSQL_ROOT=//p' <<<"${out}")"
  [[ -n ${VTROOT} && -n ${MYSQL_ROOT} ]] ||
    die "'${VITESS_SH} install' did not print VTROOT= and VT_MYSQL_ROOT= (got: ${out})"
  local b
  for b in vtctld vtgate vttablet vtctldclient mysqlctl; do
    [[ -x ${VTROOT}/bin/${b} ]] || die "${VTROOT}/bin/${b} is missing after install"
  done
  [[ -x ${MYSQL_ROOT}/bin/mysqld ]] || die "${MYSQL_ROOT}/bin/mysqld is missing after install"
  etcd_bin >/dev/null || die "etcd is not installed (Debian package etcd-server)"
}

etcd_bin() {
  command -v etcd || { [[ -x /usr/bin/etcd ]] && echo /usr/bin/etcd; }
}

load_state() {
  [[ -f ${STATE_FILE} ]] || return 1
  VTROOT="$(sed -n 's/^VTROOT=//p' "${STATE_FILE}")"
  MYSQL_ROOT="$(sed -n 's/^VT_MYSQL_ROOT=//p' "${STATE_FILE}")"
  [[ -n ${VTROOT} && -n ${MYSQL_ROOT} ]]
}

require_cluster() {
  load_state || die "no cluster in ${DATA_DIR}; run '$0 up' first"
  cluster_healthy || die "the cluster in ${DATA_DIR} is not healthy; run '$0 down' and '$0 up'"
}

lock() { take_lock "${LOCK_FILE}" 1800; }

# ---------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------
run_env() {
  printf '%s\n' \
    "${MARKER}" \
    "HOME=${DATA_DIR}" \
    "USER=$(run_user)" \
    "LOGNAME=$(run_user)" \
    "LANG=C.UTF-8" \
    "VTROOT=${VTROOT}" \
    "VTDATAROOT=${DATA_DIR}" \
    "VT_MYSQL_ROOT=${MYSQL_ROOT}" \
    "VT_MYSQL_BASEDIR=${MYSQL_ROOT}" \
    "EXTRA_MY_CNF=${CONF_DIR}/my.cnf" \
    "TMPDIR=${DATA_DIR}/tmp" \
    "PATH=${VTROOT}/bin:${MYSQL_ROOT}/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
}

# launch bg|fg NAME LOG CMD...: runs CMD as the cluster user, in a new session, with a clean
# environment carrying MARKER; its pid goes to $PID_DIR/NAME.pid. `fg` waits and returns CMD's
# exit status (mysqld started by mysqlctl stays in that session, with MARKER).
launch() {
  local mode="$1" name="$2" logf="$3"
  shift 3
  local pidf="${PID_DIR}/${name}.pid"
  rm -f "${pidf}"
  local -a envs
  mapfile -t envs < <(run_env)
  start_detached "${DATA_DIR}" "${pidf}" env -i "${envs[@]}" "$@" </dev/null >>"${logf}" 2>&1 &
  local child=$!
  if [[ ${mode} == fg ]]; then
    wait "${child}"
    return $?
  fi
  disown "${child}" 2>/dev/null || true
  # The pid file is written just before the exec that gives the process our marker: wait for
  # that too, or a busy machine makes a starting process look like one that already exited.
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -s ${pidf} ]] && is_ours "$(cat "${pidf}" 2>/dev/null)" && return 0
    sleep 0.1
  done
  [[ -s ${pidf} ]] || die "${name} did not start (no pid file ${pidf})"
}

# stop_pid PID NAME [SECS]: TERM, wait, KILL (if it is ours)
stop_pid() {
  if is_ours "$1"; then terminate "$@"; fi
}

# stop_tablet_processes WHAT SECS PIDFILE...: stops the processes of those pid files that are ours
stop_tablet_processes() {
  local what="$1" secs="$2" f pid
  shift 2
  local -a pids=()
  for f in "$@"; do
    if pid="$(owned_pid "${f}")"; then pids+=("${pid}"); fi
  done
  [[ ${#pids[@]} -eq 0 ]] && return 0
  log "stopping ${what} (pids ${pids[*]})"
  terminate_all "${secs}" "${pids[@]}"
}

# stop_vttablets UID...: all at once
stop_vttablets() {
  local uid
  local -a files=()
  for uid in "$@"; do files+=("${PID_DIR}/vttablet-${uid}.pid"); done
  stop_tablet_processes "vttablet $*" 60 "${files[@]}"
}

# kill_tablets UID...: kills the vttablets and mysqlds of tablets that are deleted next (their
# shards are gone or they are surplus replicas): no graceful stop, it only cost a reshard seconds
kill_tablets() {
  local uid pid
  local -a pids=()
  for uid in "$@"; do
    if pid="$(owned_pid "${PID_DIR}/vttablet-${uid}.pid")"; then pids+=("${pid}"); fi
    if pid="$(owned_pid "$(tablet_dir "${uid}")/mysql.pid")"; then pids+=("${pid}"); fi
  done
  [[ ${#pids[@]} -eq 0 ]] && return 0
  log "killing the vttablets and mysqlds of tablets $* (pids ${pids[*]})"
  kill_all "${pids[@]}"
}

stop_named() {
  local name="$1" secs="${2:-60}" pid
  if pid="$(owned_pid "${PID_DIR}/${name}.pid")"; then
    log "stopping ${name} (pid ${pid})"
    stop_pid "${pid}" "${name}" "${secs}"
  fi
  rm -f "${PID_DIR}/${name}.pid"
}

# ---------------------------------------------------------------------------------------------
# Tablets ($TABLETS_FILE: one "uid slot shard [init-type]" line per tablet we created; the type
# is the one the tablet starts as, replica (the default; PRIMARY is made by a reparent) or rdonly)
# ---------------------------------------------------------------------------------------------
tablet_alias() { printf '%s-%010d' "${CELL}" "$1"; }
tablet_dir() { printf '%s/vt_%010d' "${DATA_DIR}" "$1"; }
slot_http_port() { echo $((TABLET_PORT_BASE + 3 * $1)); }
slot_grpc_port() { echo $((TABLET_PORT_BASE + 3 * $1 + 1)); }
slot_mysql_port() { echo $((TABLET_PORT_BASE + 3 * $1 + 2)); }

tablet_lines() { if [[ -f ${TABLETS_FILE} ]]; then cat "${TABLETS_FILE}"; fi; }
tablets_of_shard() { tablet_lines | awk -v s="$1" '$3 == s {print $1}'; }
tablet_slot() { tablet_lines | awk -v u="$1" '$1 == u {print $2}'; }
tablet_shard() { tablet_lines | awk -v u="$1" '$1 == u {print $3}'; }
tablet_init_type() { tablet_lines | awk -v u="$1" '$1 == u {print ($4 == "" ? "replica" : $4)}'; }

# allocates a uid and the lowest free port slot, records "uid slot shard"
allocate_tablet() {
  local shard="$1" type="${2:-replica}" uid slot
  uid="$(cat "${NEXT_UID_FILE}" 2>/dev/null || echo 100)"
  echo $((uid + 1)) >"${NEXT_UID_FILE}"
  for ((slot = 0; slot < MAX_TABLETS; slot++)); do
    tablet_lines | awk -v s="${slot}" '$2 == s {f=1} END {exit !f}' || break
  done
  ((slot < MAX_TABLETS)) || die "more than ${MAX_TABLETS} tablets; run '$0 drop-retired-shards'"
  echo "${uid} ${slot} ${shard} ${type}" >>"${TABLETS_FILE}"
  echo "${uid}"
}

mysqlctl_init() {
  local uid="$1" slot
  slot="$(tablet_slot "${uid}")"
  launch fg "mysqlctl-${uid}" "${LOG_DIR}/mysqlctl-${uid}.log" \
    "${VTROOT}/bin/mysqlctl" --config-file-not-found-handling ignore --log-format text \
    --tablet-uid "${uid}" --mysql-port "$(slot_mysql_port "${slot}")" init
}

# --onterm-timeout 3s: a vttablet of a deleted shard otherwise waits 10 s for vtgate's health stream
start_vttablet() {
  local uid="$1" slot shard
  slot="$(tablet_slot "${uid}")"
  shard="$(tablet_shard "${uid}")"
  launch bg "vttablet-${uid}" "${LOG_DIR}/vttablet-${uid}.log" \
    "${VTROOT}/bin/vttablet" --config-file-not-found-handling ignore --log-format text \
    "${TOPO_FLAGS[@]}" \
    --tablet-path "$(tablet_alias "${uid}")" \
    --tablet-hostname 127.0.0.1 \
    --init-keyspace "${KEYSPACE}" \
    --init-shard "${shard}" \
    --init-tablet-type "$(tablet_init_type "${uid}")" \
    --port "$(slot_http_port "${slot}")" --bind-address 127.0.0.1 \
    --grpc-port "$(slot_grpc_port "${slot}")" --grpc-bind-address 127.0.0.1 \
    --service-map 'grpc-queryservice,grpc-tabletmanager,grpc-updatestream' \
    --health-check-interval 2s \
    --heartbeat-on-demand-duration 5s \
    --queryserver-config-pool-size 4 \
    --queryserver-config-stream-pool-size 8 \
    --queryserver-config-transaction-cap 16 \
    --queryserver-config-schema-reload-time 10s \
    --onterm-timeout 3s
}

# creates, starts and makes PRIMARY one tablet per given shard (in parallel)
create_shards() {
  local -a shards=("$@") uids=()
  local shard uid i
  for shard in "${shards[@]}"; do
    uids+=("$(allocate_tablet "${shard}")")
  done
  start_new_tablets "${uids[@]}"
  # the shards are independent: reparent them all at once
  local -a jobs=()
  for i in "${!uids[@]}"; do
    uid="${uids[i]}"
    log "making $(tablet_alias "${uid}") the PRIMARY of ${KEYSPACE}/${shards[i]}"
    VTCTL_TIMEOUT=60s vtctl_or_die PlannedReparentShard "${KEYSPACE}/${shards[i]}" \
      --new-primary "$(tablet_alias "${uid}")" --wait-replicas-timeout 10s &
    jobs+=($!)
  done
  local rc=0
  for i in "${!jobs[@]}"; do wait "${jobs[i]}" || rc=$?; done
  ((rc == 0)) || die "PlannedReparentShard of a new shard failed (exit ${rc})"
  for i in "${!uids[@]}"; do
    uid="${uids[i]}"
    wait_until 60 "tablet ${uid} to be a writable PRIMARY" \
      primary_writable "$(tablet_alias "${uid}")" ||
      { show_log_tail "${LOG_DIR}/vttablet-${uid}.log"; die "tablet ${uid} did not become a writable PRIMARY"; }
  done
}

# initialises the mysqlds (in parallel) and starts the vttablets of allocated tablets; returns
# when each is registered in the topo and answers on its HTTP port
start_new_tablets() {
  local -a uids=("$@") shards=() jobs=()
  local uid i rc
  for uid in "${uids[@]}"; do shards+=("$(tablet_shard "${uid}")"); done
  log "initialising mysqld for ${KEYSPACE}/{${shards[*]}} (tablets ${uids[*]})"
  for uid in "${uids[@]}"; do
    mysqlctl_init "${uid}" &
    jobs+=($!)
  done
  for i in "${!uids[@]}"; do
    rc=0
    wait "${jobs[i]}" || rc=$?
    if [[ ${rc} -ne 0 ]]; then
      uid="${uids[i]}"
      show_log_tail "${LOG_DIR}/mysqlctl-${uid}.log"
      show_log_tail "$(tablet_dir "${uid}")/error.log" 20
      die "mysqlctl init of tablet ${uid} (shard ${shards[i]}) failed (exit ${rc})"
    fi
  done
  for uid in "${uids[@]}"; do
    start_vttablet "${uid}"
  done
  local deadline=$((SECONDS + 90))
  for i in "${!uids[@]}"; do
    uid="${uids[i]}"
    until vtctl GetTablet "$(tablet_alias "${uid}")" >/dev/null 2>&1 &&
      http_get "$(slot_http_port "$(tablet_slot "${uid}")")" /debug/status | grep -q .; do
      if ! owned_pid "${PID_DIR}/vttablet-${uid}.pid" >/dev/null; then
        show_log_tail "${LOG_DIR}/vttablet-${uid}.log"
        die "vttablet ${uid} (shard ${shards[i]}) exited during start-up"
      fi
      if ((SECONDS >= deadline)); then
        show_log_tail "${LOG_DIR}/vttablet-${uid}.log"
        die "vttablet ${uid} (shard ${shards[i]}) did not register within 90s"
      fi
      sleep 0.5
    done
  done
}

primary_writable() {
  local st
  st="$(vtctl GetFullStatus "$1" 2>/dev/null)" || return 1
  grep -q '"super_read_only": false' <<<"${st}" || ! grep -q '"super_read_only"' <<<"${st}" || return 1
  vtctl GetTablet "$1" 2>/dev/null | grep -q '"type": "PRIMARY"'
}

# kills the vttablets and mysqlds of the given tablets, removes their data dirs and lines
remove_tablets() {
  [[ $# -gt 0 ]] || return 0
  local uid
  kill_tablets "$@"
  for uid in "$@"; do
    rm -rf "$(tablet_dir "${uid}")" "${PID_DIR}/vttablet-${uid}.pid" "${PID_DIR}/mysqlctl-${uid}.pid"
    if [[ -f ${TABLETS_FILE} ]]; then
      awk -v u="${uid}" '$1 != u' "${TABLETS_FILE}" >"${TABLETS_FILE}.tmp"
      mv "${TABLETS_FILE}.tmp" "${TABLETS_FILE}"
    fi
  done
}

# ---------------------------------------------------------------------------------------------
# Topology queries
# ---------------------------------------------------------------------------------------------
# all shards of the keyspace in the topo, one per line
topo_shards() {
  vtctl FindAllShardsInKeyspace "${KEYSPACE}" 2>/dev/null |
    awk '/^      "name": "/ { s = $0; sub(/.*"name": *"/, "", s); sub(/".*/, "", s); print s }'
}

# shards whose PRIMARY serves (the keyspace's current partitioning), comma separated, sorted
serving_shards() {
  vtctl GetSrvKeyspaces "${KEYSPACE}" "${CELL}" 2>/dev/null | awk '
    /"served_type":/ { primary = ($0 ~ /"served_type": *(1|"PRIMARY"),?$/) }
    /"shard_references":/ { inrefs = 1; next }
    inrefs && /^ *\]/ { inrefs = 0 }
    inrefs && primary && /"name":/ { s = $0; sub(/.*"name": *"/, "", s); sub(/".*/, "", s); print s }
  ' | LC_ALL=C sort -u | paste -sd, -
}

# shards in the topo that do not serve (left over by KEEP_SOURCE_SHARDS=1), comma separated
retired_shards() {
  local serving
  serving="$(serving_shards)"
  topo_shards | while read -r s; do
    [[ ,${serving}, == *",${s},"* ]] || echo "${s}"
  done | LC_ALL=C sort | paste -sd, -
}

workflow_exists() {
  vtctl Workflow --keyspace "${KEYSPACE}" list 2>/dev/null | grep -qw -- "${WORKFLOW}"
}

# vtgate lists a SERVING PRIMARY for every given shard
vtgate_serves() {
  local tablets s
  local -a want
  tablets="$(vtgate_query "${VTGATE_MYSQL_PORT}" 'SHOW VITESS_TABLETS' 2>/dev/null)" || return 1
  IFS=',' read -r -a want <<<"$1"
  [[ ${#want[@]} -gt 0 ]] || return 1
  for s in "${want[@]}"; do
    awk -v k="${KEYSPACE}" -v s="${s}" '$2 == k && $3 == s && $4 == "PRIMARY" && $5 == "SERVING" {f=1} END {exit !f}' \
      <<<"${tablets}" || return 1
  done
  port_open "${VTGATE_GRPC_PORT}"
}

# vtgate knows the columns of the tables (INSERT without a column list works)
vtgate_tracks_schema() {
  http_get "${VTGATE_HTTP_PORT}" /debug/vschema | grep -q '"column_list_authoritative": true'
}

# wait_until SECS DESCRIPTION CMD...: polls CMD every 0.5 s
wait_until() {
  local secs="$1" what="$2"
  shift 2
  local deadline=$((SECONDS + secs))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      log "timed out after ${secs}s waiting for ${what}"
      return 1
    fi
    sleep 0.5
  done
}

# ---------------------------------------------------------------------------------------------
# Cluster
# ---------------------------------------------------------------------------------------------
TOPO_FLAGS=(--topo-implementation etcd2 --topo-global-server-address "127.0.0.1:${ETCD_PORT}" --topo-global-root /vitess/global)

mysql_version() { mysqld_version "${MYSQL_ROOT}"; }

env_lines() {
  local serving retired
  serving="$(serving_shards)"
  retired="$(retired_shards)"
  cat <<EOF
VTGATE_HOST=127.0.0.1
VTGATE_GRPC_PORT=${VTGATE_GRPC_PORT}
VTGATE_MYSQL_PORT=${VTGATE_MYSQL_PORT}
VTGATE_HTTP_PORT=${VTGATE_HTTP_PORT}
VTCTLD_GRPC_PORT=${VTCTLD_GRPC_PORT}
VTCTLD_HTTP_PORT=${VTCTLD_HTTP_PORT}
ETCD_PORT=${ETCD_PORT}
CLUSTER_CELL=${CELL}
CLUSTER_KEYSPACE=${KEYSPACE}
CLUSTER_SHARDS=${serving}
CLUSTER_RETIRED_SHARDS=${retired}
VITESS_VERSION=${VITESS_VERSION}
MYSQL_VERSION=$(mysql_version)
CLUSTER_DATA_DIR=${DATA_DIR}
CLUSTER_LOG_DIR=${LOG_DIR}
EOF
}

print_env() { write_env "${ENV_FILE}" "$(env_lines)"; }

# healthy = etcd, vtctld, vtgate and every tablet we started are alive, and vtgate serves a
# PRIMARY for every shard of the keyspace's current partitioning
cluster_healthy() {
  owned_pid "${PID_DIR}/etcd.pid" >/dev/null || return 1
  owned_pid "${PID_DIR}/vtctld.pid" >/dev/null || return 1
  owned_pid "${PID_DIR}/vtgate.pid" >/dev/null || return 1
  local uid
  for uid in $(tablet_lines | awk '{print $1}'); do
    owned_pid "${PID_DIR}/vttablet-${uid}.pid" >/dev/null || return 1
    owned_pid "$(tablet_dir "${uid}")/mysql.pid" >/dev/null || return 1
  done
  local serving
  serving="$(serving_shards)"
  [[ -n ${serving} ]] || return 1
  vtgate_serves "${serving}"
}

check_ports_free() {
  require_free_ports "cluster.sh needs ${BASE_PORT}..${LAST_PORT}; set CLUSTER_BASE_PORT to use others" \
    $(seq "${BASE_PORT}" "${LAST_PORT}")
}

start_etcd() {
  log "starting etcd on 127.0.0.1:${ETCD_PORT}"
  launch bg etcd "${LOG_DIR}/etcd.log" "$(etcd_bin)" \
    --name cluster --data-dir "${DATA_DIR}/etcd" \
    --listen-client-urls "http://127.0.0.1:${ETCD_PORT}" \
    --advertise-client-urls "http://127.0.0.1:${ETCD_PORT}" \
    --listen-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" \
    --initial-advertise-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" \
    --initial-cluster "cluster=http://127.0.0.1:${ETCD_PEER_PORT}" \
    --quota-backend-bytes $((256 * 1024 * 1024))
  wait_until 30 "etcd" etcd_healthy ||
    { show_log_tail "${LOG_DIR}/etcd.log"; die "etcd did not start"; }
}

# require_alive NAME: dies with the end of its log if the process NAME we started has exited
require_alive() {
  owned_pid "${PID_DIR}/$1.pid" >/dev/null && return 0
  show_log_tail "${LOG_DIR}/$1.log"
  die "$1 exited"
}

etcd_healthy() {
  require_alive etcd
  http_get "${ETCD_PORT}" /health | grep -q '"health": *"true"'
}

start_vtctld() {
  log "starting vtctld (gRPC 127.0.0.1:${VTCTLD_GRPC_PORT})"
  launch bg vtctld "${LOG_DIR}/vtctld.log" \
    "${VTROOT}/bin/vtctld" --config-file-not-found-handling ignore --log-format text \
    "${TOPO_FLAGS[@]}" \
    --service-map 'grpc-vtctl,grpc-vtctld' \
    --port "${VTCTLD_HTTP_PORT}" --bind-address 127.0.0.1 \
    --grpc-port "${VTCTLD_GRPC_PORT}" --grpc-bind-address 127.0.0.1
  wait_until 60 "vtctld" vtctld_up ||
    { show_log_tail "${LOG_DIR}/vtctld.log"; die "vtctld did not start"; }
}

vtctld_up() {
  require_alive vtctld
  port_open "${VTCTLD_GRPC_PORT}" && vtctl GetCellInfoNames >/dev/null 2>&1
}

start_vtgate() {
  local -a buffer=()
  [[ ${VTGATE_BUFFER} == 1 ]] && buffer=(--enable-buffer)
  log "starting vtgate (gRPC 127.0.0.1:${VTGATE_GRPC_PORT}, MySQL 127.0.0.1:${VTGATE_MYSQL_PORT})"
  launch bg vtgate "${LOG_DIR}/vtgate.log" \
    "${VTROOT}/bin/vtgate" --config-file-not-found-handling ignore --log-format text \
    "${TOPO_FLAGS[@]}" \
    --cell "${CELL}" --cells-to-watch "${CELL}" \
    --tablet-types-to-wait PRIMARY \
    --tablet-refresh-interval "${TABLET_REFRESH}" \
    --service-map grpc-vtgateservice \
    --port "${VTGATE_HTTP_PORT}" --bind-address 127.0.0.1 \
    --grpc-port "${VTGATE_GRPC_PORT}" --grpc-bind-address 127.0.0.1 \
    --mysql-server-port "${VTGATE_MYSQL_PORT}" --mysql-server-bind-address 127.0.0.1 \
    --mysql-auth-server-impl none \
    --mysql-server-version "$(mysql_version)-Vitess" \
    --vschema-ddl-authorized-users '%' \
    "${buffer[@]}"
}

wait_vtgate_healthy() {
  local secs="$1" serving
  serving="$(serving_shards)"
  wait_until "${secs}" "vtgate to serve ${KEYSPACE}/{${serving}}" vtgate_ready "${serving}" ||
    { show_log_tail "${LOG_DIR}/vtgate.log"; die "vtgate did not serve all shards (${serving}) in time"; }
}

vtgate_ready() {
  require_alive vtgate
  vtgate_serves "$1" && vtgate_tracks_schema
}

start_cluster() {
  rm -rf "${DATA_DIR}"
  mkdir -p "${DATA_DIR}" "${PID_DIR}" "${LOG_DIR}" "${CONF_DIR}" "${DATA_DIR}/tmp" "${DATA_DIR}/etcd"
  chmod 700 "${DATA_DIR}/etcd"
  cp "${CONFIG_SRC_DIR}/my.cnf" "${CONFIG_SRC_DIR}/schema.sql" "${CONFIG_SRC_DIR}/vschema.json" "${CONF_DIR}/"
  printf 'VTROOT=%s\nVT_MYSQL_ROOT=%s\n' "${VTROOT}" "${MYSQL_ROOT}" >"${STATE_FILE}"
  : >"${TABLETS_FILE}"
  chown_run_user "${DATA_DIR}"

  start_etcd
  start_vtctld
  vtctl_or_die AddCellInfo --root "/vitess/${CELL}" --server-address "127.0.0.1:${ETCD_PORT}" "${CELL}"
  vtctl_or_die CreateKeyspace --durability-policy none "${KEYSPACE}"
  local -a shards
  IFS=',' read -r -a shards <<<"${INITIAL_SHARDS}"
  create_shards "${shards[@]}"
  log "applying schema and VSchema"
  vtctl_or_die ApplySchema --sql-file "${CONF_DIR}/schema.sql" "${KEYSPACE}"
  vtctl_or_die ApplyVSchema --vschema-file "${CONF_DIR}/vschema.json" "${KEYSPACE}"
  start_vtgate
  wait_vtgate_healthy "${START_TIMEOUT}"
  if ((REPLICAS + RDONLYS > 0)); then set_replicas "${REPLICAS}" "${RDONLYS}" "${INITIAL_SHARDS}"; fi
}

# stops everything we started: vtgate, vttablets, vtctld, mysqlds, etcd, then any leftover
# process carrying our marker
stop_cluster() {
  stop_named vtgate 30
  local -a uids
  mapfile -t uids < <(tablet_lines | awk '{print $1}')
  stop_vttablets "${uids[@]}"
  stop_named vtctld 30
  # also mysqlds whose tablet line is missing (start-up interrupted)
  stop_tablet_processes mysqld 120 "${DATA_DIR}"/vt_*/mysql.pid
  stop_named etcd 30
  local -a left
  mapfile -t left < <(pids_where environ_has "${MARKER}")
  if [[ ${#left[@]} -gt 0 ]]; then
    log "terminating leftover processes of the cluster: ${left[*]}"
    terminate_all 30 "${left[@]}"
  fi
}

cmd_up() {
  local t0=${SECONDS}
  [[ ${BASE_PORT} =~ ^[0-9]+$ ]] || die "CLUSTER_BASE_PORT must be a number: ${BASE_PORT}"
  lock
  if load_state && cluster_healthy; then
    log "cluster already running"
    print_env
    return 0
  fi
  install_all
  if [[ -e ${DATA_DIR} ]]; then
    log "cleaning up a stale or unhealthy cluster in ${DATA_DIR}"
    stop_cluster
    rm -rf "${DATA_DIR}"
  fi
  check_ports_free
  log "starting a Vitess cluster (keyspace ${KEYSPACE}, shards ${INITIAL_SHARDS}, ports ${BASE_PORT}..${LAST_PORT}) in ${DATA_DIR}"
  trap 'on_up_failure' EXIT
  start_cluster
  trap - EXIT
  print_env
  log "cluster is up ($((SECONDS - t0))s)"
}

on_up_failure() {
  local rc=$?
  [[ ${rc} -eq 0 ]] && return 0
  if [[ ${CLUSTER_KEEP_ON_FAILURE:-0} == 1 ]]; then
    log "start-up failed; the cluster is left as it is for inspection (CLUSTER_KEEP_ON_FAILURE=1); logs in ${LOG_DIR}"
  else
    log "start-up failed; stopping what was started (CLUSTER_KEEP_ON_FAILURE=1 keeps it for inspection)"
    stop_cluster || true
    rm -rf "${DATA_DIR}"
  fi
  exit "${rc}"
}

cmd_down() {
  lock
  if [[ ! -e ${DATA_DIR} ]]; then
    log "no cluster in ${DATA_DIR}"
    return 0
  fi
  stop_cluster
  rm -rf "${DATA_DIR}"
  log "cluster stopped, ${DATA_DIR} removed"
}

cmd_status() {
  if load_state && cluster_healthy; then
    env_lines
    return 0
  fi
  printf '[cluster.sh] the cluster is not running (or not healthy) in %s\n' "${DATA_DIR}" >&2
  return 1
}

cmd_restart_vtgate() {
  local secs="${1:-0}" how="${2:-}" pid
  [[ ${secs} =~ ^[0-9]+$ ]] || die "restart-vtgate takes a number of seconds: ${secs}"
  [[ -z ${how} || ${how} == kill ]] || die "usage: $0 restart-vtgate [SECS] [kill]"
  lock
  require_cluster
  if [[ ${how} == kill ]] && pid="$(owned_pid "${PID_DIR}/vtgate.pid")"; then
    log "killing vtgate (pid ${pid}, SIGKILL)"
    kill -KILL "${pid}"
    wait_until 10 "vtgate to die" eval '! pid_alive '"${pid}" || true
  fi
  # SIGTERM: vtgate drains (up to --onterm-timeout, 10s, while streams are open)
  stop_named vtgate 30
  port_open "${VTGATE_GRPC_PORT}" && die "port ${VTGATE_GRPC_PORT} still in use after stopping vtgate"
  if ((secs > 0)); then
    log "vtgate stopped; starting it again in ${secs}s"
    sleep "${secs}"
  fi
  start_vtgate
  wait_vtgate_healthy 120
  print_env
}

# stops and deletes the tablets of shards that are no longer in the topo
prune_tablets() {
  local topo uid shard
  local -a gone=()
  topo=",$(topo_shards | paste -sd, -),"
  while read -r uid _ shard _; do
    [[ -n ${uid} ]] || continue
    if [[ ${topo} != *",${shard},"* ]]; then
      log "removing tablet ${uid} of the deleted shard ${KEYSPACE}/${shard}"
      gone+=("${uid}")
    fi
  done < <(tablet_lines)
  remove_tablets "${gone[@]}"
}

drop_retired() {
  local retired uid s
  local -a arr
  retired="$(retired_shards)"
  [[ -n ${retired} ]] || return 0
  log "deleting retired shards ${retired}"
  IFS=',' read -r -a arr <<<"${retired}"
  local -a uids
  mapfile -t uids < <(for s in "${arr[@]}"; do tablets_of_shard "${s}"; done)
  kill_tablets "${uids[@]}"
  local -a args=()
  for s in "${arr[@]}"; do args+=("${KEYSPACE}/${s}"); done
  vtctl_or_die DeleteShards --recursive "${args[@]}"
  prune_tablets
}

cmd_drop_retired() {
  lock
  require_cluster
  drop_retired
  print_env
}

# streams of the workflow: all Running with the copy phase done
workflow_copied() {
  local out
  out="$(vtctl Workflow --keyspace "${KEYSPACE}" show --workflow "${WORKFLOW}" --include-logs=false 2>/dev/null)" || return 1
  if grep -q '"state": "Error"' <<<"${out}"; then
    printf '%s\n' "${out}" | grep -E '"(message|state)"' | sort -u | head -n 10 >&2
    die "the ${WORKFLOW} workflow is in state Error"
  fi
  grep -q '"state": "Running"' <<<"${out}" || return 1
  ! grep -qE '"state": "(Copying|Init|Stopped|Lagging|Unknown)"' <<<"${out}" || return 1
  # a stream still copying lists its tables: `"copy_states": [` ends the line
  ! grep -qE '"copy_states": \[$' <<<"${out}"
}

# vtgate's health check knows every given tablet (found in the topo every TABLET_REFRESH)
vtgate_knows() {
  local tablets uid
  tablets="$(vtgate_query "${VTGATE_MYSQL_PORT}" 'SHOW VITESS_TABLETS' 2>/dev/null)" || return 1
  for uid in "$@"; do
    grep -qw -- "$(tablet_alias "${uid}")" <<<"${tablets}" || return 1
  done
}

# dies unless the shards (sorted) are key ranges that cover the whole key space without gaps
check_full_cover() {
  local next="" s
  local -a arr
  IFS=',' read -r -a arr <<<"$1"
  [[ ${#arr[@]} -gt 0 ]] || die "no target shards given"
  for s in "${arr[@]}"; do
    [[ ${s} =~ ^([0-9a-f]*)-([0-9a-f]*)$ ]] ||
      die "bad shard name '${s}': shards are key ranges like -80, 80-c0, c0- (lower-case hex)"
    [[ ${BASH_REMATCH[1]} == "${next}" ]] ||
      die "target shards $1 do not cover the key space: '${s}' does not start at '${next}'"
    next="${BASH_REMATCH[2]}"
    [[ -n ${next} ]] || break
  done
  [[ -z ${next} && ${s} == "${arr[-1]}" ]] ||
    die "target shards $1 do not cover the key space up to the end (the last one must end with '-')"
}

cmd_reshard() {
  local arg="${1:-}" targets
  case "${arg}" in
    split) targets="${SPLIT_SHARDS}" ;;
    merge) targets="${MERGE_SHARDS}" ;;
    cancel) cmd_reshard_cancel; return ;;
    "") die "usage: $0 reshard split|merge|cancel|<shard,shard,...>" ;;
    *) targets="${arg}" ;;
  esac
  targets="$(csv_sort <<<"${targets}")"
  check_full_cover "${targets}"
  lock
  require_cluster
  local t0=${SECONDS} sources state s
  local -a tarr
  IFS=',' read -r -a tarr <<<"${targets}"
  if workflow_exists; then
    # an interrupted run: finish it if it goes where we want to go
    local wtargets
    wtargets="$(workflow_shards target)"
    [[ ${wtargets} == "${targets}" ]] ||
      die "a workflow ${WORKFLOW} to the shards ${wtargets} exists in ${KEYSPACE}; run '$0 reshard cancel' first"
    sources="$(workflow_shards source)"
    log "resuming the interrupted reshard ${sources} -> ${targets}"
  else
    sources="$(serving_shards)"
    if [[ ${sources} == "${targets}" ]]; then
      log "${KEYSPACE} already has the shards ${targets}"
      print_env
      return 0
    fi
    drop_retired
    for s in "${tarr[@]}"; do
      [[ ,${sources}, != *",${s},"* ]] || die "target shard ${s} is also a source shard (${sources})"
    done
    log "resharding ${KEYSPACE}: ${sources} -> ${targets}"
    create_shards "${tarr[@]}"
    if ((REPLICAS + RDONLYS > 0)); then set_replicas "${REPLICAS}" "${RDONLYS}" "${targets}"; fi
    # a VStream that meets the JOURNAL moves on to the new shards only through tablets vtgate knows
    local -a new_uids
    mapfile -t new_uids < <(for s in "${tarr[@]}"; do tablets_of_shard "${s}"; done)
    wait_until 120 "vtgate to discover the new tablets" vtgate_knows "${new_uids[@]}" ||
      die "vtgate did not discover the tablets ${new_uids[*]} within 120s"
    wait_until 60 "the VReplication engines" vtctl Workflow --keyspace "${KEYSPACE}" list >/dev/null 2>&1 ||
      die "the VReplication engines of ${KEYSPACE} did not open"
    VTCTL_TIMEOUT=300s vtctl_or_die Reshard --workflow "${WORKFLOW}" --target-keyspace "${KEYSPACE}" create \
      --source-shards "${sources}" --target-shards "${targets}" \
      --tablet-types PRIMARY --cells "${CELL}"
  fi
  state="$(traffic_state)"
  if [[ ${state} != "${ALL_SWITCHED}" ]]; then
    local t1=${SECONDS}
    if [[ ${state} == "${NOT_SWITCHED}" ]]; then
      wait_until "${RESHARD_TIMEOUT}" "the copy phase of ${WORKFLOW}" workflow_copied || {
        vtctl Workflow --keyspace "${KEYSPACE}" show --workflow "${WORKFLOW}" 2>&1 | tail -n 40 >&2
        die "the ${WORKFLOW} workflow did not finish copying within ${RESHARD_TIMEOUT}s (CLUSTER_RESHARD_TIMEOUT)"
      }
      log "copy phase done ($((SECONDS - t1))s)"
      if [[ ${RESHARD_VDIFF} == 1 ]]; then
        log "running VDiff"
        VTCTL_TIMEOUT="${RESHARD_TIMEOUT}s" vtctl_or_die VDiff --workflow "${WORKFLOW}" --target-keyspace "${KEYSPACE}" \
          create --wait --wait-update-interval 5s --tablet-types PRIMARY
      fi
    fi
    drop_online_ddl_streams "${sources}"
    log "switching traffic"
    VTCTL_TIMEOUT=300s vtctl_or_die Reshard --workflow "${WORKFLOW}" --target-keyspace "${KEYSPACE}" switchtraffic \
      --tablet-types "rdonly,replica,primary" --timeout 60s
  fi
  if [[ ${KEEP_SOURCE_SHARDS} == 1 ]]; then
    # `Reshard complete` has no --keep-data in v24 and always deletes the source shards; the
    # server side of `MoveTables complete` is the same RPC (MoveTablesComplete, "re-used for
    # Reshard") and does take KeepData: the source shards stay, not serving, with their tablets.
    log "completing the workflow, keeping the source shards ${sources}"
    VTCTL_TIMEOUT=300s vtctl_or_die MoveTables --workflow "${WORKFLOW}" --target-keyspace "${KEYSPACE}" complete --keep-data
  else
    log "completing the workflow (deletes the source shards ${sources})"
    VTCTL_TIMEOUT=300s vtctl_or_die Reshard --workflow "${WORKFLOW}" --target-keyspace "${KEYSPACE}" complete
  fi
  prune_tablets
  [[ "$(serving_shards)" == "${targets}" ]] ||
    die "after the reshard ${KEYSPACE} serves $(serving_shards), not ${targets}"
  wait_vtgate_healthy 120
  print_env
  log "reshard ${sources} -> ${targets} done ($((SECONDS - t0))s)"
}

# Online DDL keeps the VReplication stream of each finished migration (stopped, for a revert); a
# reshard cannot switch traffic while the source shards have stopped streams ("cannot migrate
# until all streams are running"), so they go first: those migrations can no longer be reverted.
drop_online_ddl_streams() {
  local shard uid
  for shard in ${1//,/ }; do
    uid="$(tablets_of_type "${shard}" primary | head -n 1)"
    [[ -n ${uid} ]] || continue
    vtctl_or_die ExecuteFetchAsDBA "$(tablet_alias "${uid}")" \
      "delete from _vt.vreplication where workflow in (select migration_uuid from _vt.schema_migrations)" >/dev/null
  done
}

NOT_SWITCHED="Reads Not Switched. Writes Not Switched"
ALL_SWITCHED="All Reads Switched. Writes Switched"

# the workflow's traffic state, e.g. "Reads Not Switched. Writes Not Switched"
traffic_state() {
  vtctl Reshard --workflow "${WORKFLOW}" --target-keyspace "${KEYSPACE}" status --format json 2>/dev/null |
    sed -n 's/^ *"traffic_state": "\(.*\)",\{0,1\}$/\1/p'
}

# source|target shards of the workflow, comma separated, sorted
workflow_shards() {
  vtctl Workflow --keyspace "${KEYSPACE}" show --workflow "${WORKFLOW}" --include-logs=false 2>/dev/null | awk -v side="$1" '
    /^      "(source|target)": \{/ { cur = ($0 ~ "\"" side "\"") }
    cur && /^        "shards": \[/ { inlist = 1; next }
    inlist && /^        \]/ { inlist = 0; cur = 0 }
    inlist { s = $0; gsub(/[ ",]/, "", s); print s }
  ' | LC_ALL=C sort -u | paste -sd, -
}

# rolls an interrupted reshard back: traffic to the source shards, workflow and target shards
# (with their tablets) deleted
cmd_reshard_cancel() {
  lock
  load_state || die "no cluster in ${DATA_DIR}"
  if workflow_exists; then
    local state
    state="$(traffic_state)"
    if [[ -n ${state} && ${state} != "${NOT_SWITCHED}" ]]; then
      log "traffic state '${state}': switching traffic back to the source shards"
      VTCTL_TIMEOUT=300s vtctl_or_die Reshard --workflow "${WORKFLOW}" --target-keyspace "${KEYSPACE}" reversetraffic \
        --tablet-types "rdonly,replica,primary" --timeout 60s
    fi
    log "cancelling the ${WORKFLOW} workflow (deletes its target shards)"
    VTCTL_TIMEOUT=300s vtctl_or_die Reshard --workflow "${WORKFLOW}" --target-keyspace "${KEYSPACE}" cancel
  fi
  # target shards left (a run interrupted before its workflow was created), and retired ones
  local serving topo s
  local -a uids=() args=()
  serving="$(serving_shards)"
  topo=",$(topo_shards | paste -sd, -),"
  for s in $(tablet_lines | awk '{print $3}' | LC_ALL=C sort -u); do
    [[ ,${serving}, == *",${s},"* || ${topo} != *",${s},"* ]] && continue
    args+=("${KEYSPACE}/${s}")
    mapfile -t -O "${#uids[@]}" uids < <(tablets_of_shard "${s}")
  done
  if [[ ${#args[@]} -gt 0 ]]; then
    log "deleting the non-serving shards ${args[*]}"
    kill_tablets "${uids[@]}"
    vtctl_or_die DeleteShards --recursive "${args[@]}"
  fi
  prune_tablets
  cluster_healthy || wait_vtgate_healthy 120
  print_env
}

# makes the tablets reload their schema now: a VStream (or copy) of a table a tablet has not
# loaded yet fails; they reload on their own only every --queryserver-config-schema-reload-time
cmd_reload_schema() {
  require_cluster
  vtctl_or_die ReloadSchemaKeyspace --include-primary "${KEYSPACE}"
}

source "${SCRIPT_DIR}/cluster-faults.sh"

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  reshard) cmd_reshard "${2:-}" ;;
  drop-retired-shards) cmd_drop_retired ;;
  restart-vtgate) cmd_restart_vtgate "${2:-0}" "${3:-}" ;;
  replicas) cmd_replicas "${2:-}" "${3:-0}" ;;
  reparent) cmd_reparent "${2:-}" "${3:-}" ;;
  restart-tablet) cmd_restart_tablet "${2:-}" "${3:-}" "${4:-}" ;;
  restart-mysqld) cmd_restart_mysqld "${2:-}" "${3:-}" "${4:-}" ;;
  throttle-copy) cmd_throttle_copy "${2:-}" ;;
  reload-schema) cmd_reload_schema ;;
  *)
    echo "usage: $0 up|down|status|reshard split|merge|cancel|<shards>|drop-retired-shards|restart-vtgate [secs] [kill]" >&2
    echo "       $0 replicas N [M]|reparent planned|emergency SHARD|restart-tablet|restart-mysqld SHARD TYPE [kill]|throttle-copy on|off|reload-schema" >&2
    exit 2
    ;;
esac
