# shellcheck shell=bash
# Sourced by cluster.sh (it needs that script's configuration and helpers): REPLICA and RDONLY
# tablets, reparents, and restarts of single vttablets and mysqlds, for the fault tests.
#
#   replicas N [M]                 N REPLICA (and M RDONLY) tablets per serving shard
#   reparent planned SHARD         PlannedReparentShard to one of the shard's REPLICAs
#   reparent emergency SHARD       kill -9 of the PRIMARY's mysqld, EmergencyReparentShard, then the
#                                  old primary back (mysqld and vttablet restarted) as a REPLICA
#   restart-tablet SHARD TYPE [kill]   stop (SIGTERM, or SIGKILL) and start the shard's TYPE vttablet
#   restart-mysqld SHARD TYPE [kill]   the same for its mysqld
#
# Each command returns when vtgate serves the shard's PRIMARY again and sees every tablet of the
# shard SERVING with its type (a REPLICA is SERVING once it replicates with little lag).

# the uids of the shard's tablets of a type (primary, replica, rdonly), from the topo
tablets_of_type() {
  local shard="$1" type="$2"
  vtctl GetTablets --keyspace "${KEYSPACE}" --shard "${shard}" 2>/dev/null |
    awk -v t="${type,,}" '$4 == t { a = $1; sub(/.*-0*/, "", a); print a }'
}

# the uid of the shard's first tablet of a type; dies if there is none
tablet_of_type() {
  local uid
  uid="$(tablets_of_type "$1" "$2" | head -n 1)"
  [[ -n ${uid} ]] || die "${KEYSPACE}/$1 has no ${2^^} tablet (add some with '$0 replicas 1')"
  echo "${uid}"
}

# vtgate sees each tablet of the shard (from the topo) SERVING with the type the topo gives it
vtgate_serves_shard_tablets() {
  local shard="$1" tablets line alias type
  tablets="$(vtgate_query "${VTGATE_MYSQL_PORT}" 'SHOW VITESS_TABLETS' 2>/dev/null)" || return 1
  while read -r line; do
    [[ -n ${line} ]] || continue
    alias="$(awk '{print $1}' <<<"${line}")"
    type="$(awk '{print toupper($4)}' <<<"${line}")"
    awk -v a="${alias}" -v t="${type}" '$6 == a && $4 == t && $5 == "SERVING" {f=1} END {exit !f}' \
      <<<"${tablets}" || return 1
  done < <(vtctl GetTablets --keyspace "${KEYSPACE}" --shard "${shard}" 2>/dev/null)
  port_open "${VTGATE_GRPC_PORT}"
}

wait_shard_serving() {
  wait_until "${2:-120}" "vtgate to serve every tablet of ${KEYSPACE}/$1" vtgate_serves_shard_tablets "$1" || {
    vtgate_query "${VTGATE_MYSQL_PORT}" 'SHOW VITESS_TABLETS' >&2 || true
    die "vtgate does not serve every tablet of ${KEYSPACE}/$1"
  }
}

require_shard() {
  [[ -n $1 ]] || die "no shard given"
  [[ ,$(serving_shards), == *",$1,"* ]] || die "${KEYSPACE}/$1 is not a serving shard ($(serving_shards))"
}

# set_replicas N M SHARDS: adds or removes REPLICA and RDONLY tablets so that each shard has N and M
set_replicas() {
  local want_replica="$1" want_rdonly="$2" shards="$3" shard type want have uid
  local -a arr add=() remove=()
  IFS=',' read -r -a arr <<<"${shards}"
  for shard in "${arr[@]}"; do
    for type in replica rdonly; do
      want="${want_replica}"
      [[ ${type} == rdonly ]] && want="${want_rdonly}"
      local -a uids
      mapfile -t uids < <(tablets_of_type "${shard}" "${type}")
      have=${#uids[@]}
      for ((; have < want; have++)); do add+=("$(allocate_tablet "${shard}" "${type}")"); done
      for ((; have > want; have--)); do remove+=("${uids[have - 1]}"); done
    done
  done
  if [[ ${#remove[@]} -gt 0 ]]; then
    log "removing the tablets ${remove[*]}"
    kill_tablets "${remove[@]}"
    for uid in "${remove[@]}"; do vtctl_or_die DeleteTablets "$(tablet_alias "${uid}")"; done
    remove_tablets "${remove[@]}"
  fi
  if [[ ${#add[@]} -gt 0 ]]; then
    # a new tablet finds the shard's PRIMARY in the topo and replicates from it (GTID auto-position)
    start_new_tablets "${add[@]}"
  fi
  for shard in "${arr[@]}"; do wait_shard_serving "${shard}" 180; done
}

cmd_replicas() {
  local n="$1" m="${2:-0}"
  [[ ${n} =~ ^[0-9]+$ && ${m} =~ ^[0-9]+$ ]] || die "usage: $0 replicas N [M] (REPLICA and RDONLY tablets per shard)"
  lock
  require_cluster
  set_replicas "${n}" "${m}" "$(serving_shards)"
  print_env
}

cmd_reparent() {
  local how="$1" shard="$2"
  lock
  require_cluster
  require_shard "${shard}"
  local t0=${SECONDS} old new
  old="$(tablet_of_type "${shard}" primary)"
  new="$(tablet_of_type "${shard}" replica)"
  case "${how}" in
    planned)
      log "PlannedReparentShard ${KEYSPACE}/${shard}: $(tablet_alias "${old}") -> $(tablet_alias "${new}")"
      VTCTL_TIMEOUT=120s vtctl_or_die PlannedReparentShard "${KEYSPACE}/${shard}" \
        --new-primary "$(tablet_alias "${new}")" --wait-replicas-timeout 30s
      ;;
    emergency)
      local pid
      pid="$(owned_pid "$(tablet_dir "${old}")/mysql.pid")" || die "the mysqld of tablet ${old} is not running"
      log "killing the mysqld of the PRIMARY $(tablet_alias "${old}") (pid ${pid}, SIGKILL)"
      kill -KILL "${pid}"
      wait_until 10 "mysqld ${pid} to die" eval '! pid_alive '"${pid}" || true
      log "EmergencyReparentShard ${KEYSPACE}/${shard} -> $(tablet_alias "${new}")"
      VTCTL_TIMEOUT=120s vtctl_or_die EmergencyReparentShard "${KEYSPACE}/${shard}" \
        --new-primary "$(tablet_alias "${new}")" --wait-replicas-timeout 30s
      # the old primary comes back as a REPLICA of the new one: what vtorc or an operator does
      start_mysqld "${old}"
      stop_vttablets "${old}"
      start_vttablet "${old}"
      # ERS could not point the dead mysqld at the new primary; the restarted tablet usually does
      # that itself, but may stay a REPLICA without replication (NOT_SERVING) for good
      wait_until 60 "$(tablet_alias "${old}") to replicate from the new PRIMARY" \
        rejoin_replica "$(tablet_alias "${old}")" ||
        die "$(tablet_alias "${old}") does not replicate from the new PRIMARY"
      ;;
    *) die "usage: $0 reparent planned|emergency SHARD" ;;
  esac
  wait_until 60 "$(tablet_alias "${new}") to be a writable PRIMARY" primary_writable "$(tablet_alias "${new}")" ||
    die "$(tablet_alias "${new}") did not become a writable PRIMARY"
  wait_shard_serving "${shard}" 180
  print_env
  log "reparent ${how} of ${KEYSPACE}/${shard} done ($((SECONDS - t0))s)"
}

# parses SHARD TYPE [kill] into the globals FAULT_UID and FAULT_SIGNAL
fault_target() {
  local shard="$1" type="$2" how="$3"
  [[ ${type,,} =~ ^(primary|replica|rdonly)$ ]] || die "TYPE must be primary, replica or rdonly: '${type}'"
  [[ -z ${how} || ${how} == kill ]] || die "the last argument can only be 'kill'"
  require_shard "${shard}"
  FAULT_UID="$(tablet_of_type "${shard}" "${type}")"
  FAULT_SIGNAL=TERM
  [[ ${how} == kill ]] && FAULT_SIGNAL=KILL
  return 0
}

cmd_restart_tablet() {
  lock
  require_cluster
  fault_target "$@"
  local t0=${SECONDS} pid
  if [[ ${FAULT_SIGNAL} == KILL ]] && pid="$(owned_pid "${PID_DIR}/vttablet-${FAULT_UID}.pid")"; then
    log "killing vttablet ${FAULT_UID} (pid ${pid}, SIGKILL)"
    kill -KILL "${pid}"
    wait_until 10 "vttablet ${pid} to die" eval '! pid_alive '"${pid}" || true
  fi
  stop_vttablets "${FAULT_UID}"
  start_vttablet "${FAULT_UID}"
  wait_shard_serving "$1" 180
  print_env
  log "restart-tablet $* done ($((SECONDS - t0))s)"
}

# starts an initialised mysqld again (its vttablet reconnects by itself)
start_mysqld() {
  local uid="$1" slot
  slot="$(tablet_slot "${uid}")"
  log "starting mysqld of tablet ${uid}"
  launch fg "mysqlctl-${uid}" "${LOG_DIR}/mysqlctl-${uid}.log" \
    "${VTROOT}/bin/mysqlctl" --config-file-not-found-handling ignore --log-format text \
    --tablet-uid "${uid}" --mysql-port "$(slot_mysql_port "${slot}")" start ||
    { show_log_tail "$(tablet_dir "${uid}")/error.log" 20; die "mysqld of tablet ${uid} did not start"; }
}

# the replica's IO and SQL threads run (starts them if vttablet reaches mysqld and they do not)
start_replication() {
  local st
  st="$(vtctl GetFullStatus "$1" 2>/dev/null)" || return 1
  grep -q '"io_state": 3' <<<"${st}" && grep -q '"sql_state": 3' <<<"${st}" && return 0
  vtctl StartReplication "$1" >/dev/null 2>&1 || true
  return 1
}

# a former PRIMARY replicates from the shard's PRIMARY (points it there if it does not)
rejoin_replica() {
  start_replication "$1" && return 0
  vtctl ReparentTablet "$1" >/dev/null 2>&1 || true
  sleep 2
  return 1
}

cmd_restart_mysqld() {
  lock
  require_cluster
  fault_target "$@"
  local t0=${SECONDS} pid alias
  alias="$(tablet_alias "${FAULT_UID}")"
  pid="$(owned_pid "$(tablet_dir "${FAULT_UID}")/mysql.pid")" || die "the mysqld of tablet ${FAULT_UID} is not running"
  log "stopping the mysqld of ${alias} (pid ${pid}, SIG${FAULT_SIGNAL})"
  kill "-${FAULT_SIGNAL}" "${pid}"
  wait_until 120 "mysqld ${pid} to stop" eval '! pid_alive '"${pid}" || die "mysqld ${pid} did not stop"
  start_mysqld "${FAULT_UID}"
  if [[ ${2,,} == primary ]]; then
    # mysqld starts super-read-only; vtorc would make the PRIMARY writable again
    wait_until 30 "vttablet to see mysqld again" vtctl GetFullStatus "${alias}" >/dev/null 2>&1 || true
    primary_writable "${alias}" || vtctl_or_die SetWritable "${alias}" true
    wait_until 60 "${alias} to be a writable PRIMARY" primary_writable "${alias}" ||
      die "${alias} is not a writable PRIMARY after its mysqld restarted"
  else
    # mysqld starts with replication stopped (skip-replica-start) and vtgate keeps the tablet
    # SERVING, stale; vtorc would start replication again
    wait_until 60 "${alias} to replicate again" start_replication "${alias}" ||
      die "${alias} does not replicate after its mysqld restarted"
  fi
  wait_shard_serving "$1" 180
  print_env
  log "restart-mysqld $* done ($((SECONDS - t0))s)"
}

# the PRIMARYs' tablet throttlers know the rowstreamer (VStream's copy phase) rule, or not
throttler_has_rowstreamer() {
  local want="$1" shard uid out
  for shard in $(serving_shards | tr ',' ' '); do
    uid="$(tablet_of_type "${shard}" primary)"
    out="$(vtctl GetThrottlerStatus "$(tablet_alias "${uid}")" 2>/dev/null)" || return 1
    if [[ ${want} == yes ]]; then
      # a throttler that is enabled but not open (yet) answers every check with OK
      grep -q '"is_enabled": true' <<<"${out}" && grep -q '"is_open": true' <<<"${out}" &&
        grep -q '"rowstreamer"' <<<"${out}" || return 1
    else
      ! grep -q '"rowstreamer"' <<<"${out}" || return 1
    fi
  done
}

# throttle-copy on|off: holds VStream copy phases back (the tablet throttler rejects the
# rowstreamer), so that a fault can land while a copy is open
cmd_throttle_copy() {
  lock
  require_cluster
  case "${1:-}" in
    on)
      vtctl_or_die UpdateThrottlerConfig --enable "${KEYSPACE}"
      vtctl_or_die UpdateThrottlerConfig --throttle-app rowstreamer --throttle-app-ratio 1 \
        --throttle-app-duration 10m "${KEYSPACE}"
      wait_until 60 "the throttlers to hold the rowstreamer" throttler_has_rowstreamer yes ||
        die "the tablet throttlers did not take the rowstreamer rule"
      ;;
    off)
      vtctl_or_die UpdateThrottlerConfig --unthrottle-app rowstreamer "${KEYSPACE}"
      vtctl_or_die UpdateThrottlerConfig --disable "${KEYSPACE}"
      wait_until 60 "the throttlers to let the rowstreamer go" throttler_has_rowstreamer no ||
        die "the tablet throttlers kept the rowstreamer rule"
      ;;
    *) die "usage: $0 throttle-copy on|off" ;;
  esac
  print_env
}
