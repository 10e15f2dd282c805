#!/usr/bin/env bash
# A real Flink standalone session cluster in separate processes, as Flink's own bin/ scripts start
# it: one JobManager (StandaloneSessionClusterEntrypoint) and N TaskManagers (TaskManagerRunner),
# with lib/ and opt/ assembled from the individual Flink artifacts on Maven Central (the binary
# distribution is not published there), and Flink's own SQL client to submit SQL files.
#
#   flink-cluster.sh up                 install what is missing, start (or complete) the cluster, print KEY=value
#   flink-cluster.sh status             print the KEY=value lines; exit 0 if healthy, else 1
#   flink-cluster.sh down               stop exactly what was started and remove the data dir
#   flink-cluster.sh sql FILE [JAR...]  run FILE with the SQL client (embedded mode), each JAR passed with -j;
#                                       prints FLINK_JOB_ID=... for each submitted job
#   flink-cluster.sh install            only assemble lib/ and opt/ in the cache
#
# Progress, the SQL client's output and errors go to stderr; stdout only carries KEY=value lines.
# See README.md beside this file.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# ---------------------------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------------------------
FLINK_VERSION="${FLINK_VERSION:-2.3.0}"
if [[ ${EUID} -eq 0 ]]; then
  DEFAULT_DATA_DIR="/tmp/flink-connector-planetscale-flink"
  DEFAULT_CACHE_DIR="/var/cache/flink-connector-planetscale"
else
  DEFAULT_DATA_DIR="${TMPDIR:-/tmp}/flink-connector-planetscale-flink-$(id -un)"
  DEFAULT_CACHE_DIR="${XDG_CACHE_HOME:-${HOME}/.cache}/flink-connector-planetscale"
fi
DATA_DIR="${FLINK_DATA_DIR:-${DEFAULT_DATA_DIR}}"
DATA_DIR="${DATA_DIR%/}"
CACHE_DIR="${FLINK_CACHE_DIR:-${VITESS_CACHE_DIR:-${DEFAULT_CACHE_DIR}}}"
TASKMANAGERS="${FLINK_TASKMANAGERS:-2}"
SLOTS="${FLINK_TASK_SLOTS:-2}"
BASE_PORT="${FLINK_BASE_PORT:-}"
JM_MEMORY="${FLINK_JM_MEMORY:-768m}"
TM_MEMORY="${FLINK_TM_MEMORY:-1024m}"
LIB_MYSQL="${FLINK_LIB_MYSQL:-1}"
LIB_JARS="${FLINK_LIB_JARS:-}"
START_TIMEOUT="${FLINK_START_TIMEOUT:-120}"
MYSQL_CONNECTOR_VERSION="9.5.0"

CONF_DIR="${DATA_DIR}/conf"
LOG_DIR="${DATA_DIR}/log"
LIB_DIR="${DATA_DIR}/lib"
OPT_DIR="${DATA_DIR}/opt"
PID_DIR="${DATA_DIR}/pids"
STATE_FILE="${DATA_DIR}/state.env"
ENV_FILE="${DATA_DIR}/cluster.env"
LOCK_FILE="${DATA_DIR}.lock"
DIST_DIR="${CACHE_DIR}/flink-${FLINK_VERSION}"
# every process we start carries this in its environment: `down` finds leftovers by it
MARKER="FLINK_CLUSTER_SH_DATA_DIR=${DATA_DIR}"

# Flink's config file: 2.x reads only config.yaml (standard YAML); 1.x reads the legacy
# flink-conf.yaml first (1.19 and 1.20 fall back to config.yaml when it is absent).
if [[ ${FLINK_VERSION} == 1.* ]]; then CONF_FILE="flink-conf.yaml"; else CONF_FILE="config.yaml"; fi

# The JVM options of the distribution's config file (env.java.opts.all), needed on Java 17+.
JAVA_OPTS_ALL="--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"

if [[ -n ${JAVA_HOME:-} && -x ${JAVA_HOME}/bin/java ]]; then JAVA_RUN="${JAVA_HOME}/bin/java"; else JAVA_RUN="java"; fi
if [[ -n ${JAVA_HOME:-} && -x ${JAVA_HOME}/bin/jar ]]; then JAR_RUN="${JAVA_HOME}/bin/jar"; else JAR_RUN="jar"; fi

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
log() { printf '[flink-cluster.sh %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  printf '[flink-cluster.sh] ERROR: %s\n' "$*" >&2
  exit 1
}

show_log_tail() {
  local f="$1" n="${2:-40}"
  if [[ -s ${f} ]]; then
    log "last ${n} lines of ${f}:"
    tail -n "${n}" "${f}" | cut -c1-1000 >&2 || true
  else
    log "(log ${f} is empty or missing)"
  fi
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pid_alive() {
  [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null
}

# true if process $1 was started by this script for this data dir
is_ours() {
  pid_alive "${1:-}" && tr '\0' '\n' 2>/dev/null <"/proc/$1/environ" | grep -qxF -- "${MARKER}"
}

# pid from a pid file, if that process is alive and ours
owned_pid() {
  local pid
  [[ -s $1 ]] || return 1
  pid="$(cat "$1" 2>/dev/null || true)"
  is_ours "${pid}" || return 1
  echo "${pid}"
}

# all live processes carrying our MARKER
marked_pids() {
  local p
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    [[ ${p} == "$$" || ${p} == "${BASHPID}" ]] && continue
    if tr '\0' '\n' 2>/dev/null <"/proc/${p}/environ" | grep -qxF -- "${MARKER}"; then
      echo "${p}"
    fi
  done
}

# body of GET http://127.0.0.1:$REST_PORT$1
rest_get() {
  curl -sf --max-time 5 "http://127.0.0.1:${REST_PORT}$1" 2>/dev/null
}

# a free TCP port on 127.0.0.1, chosen by the kernel
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  else
    local p
    while :; do
      p=$((20000 + RANDOM % 30000))
      port_open "${p}" || { echo "${p}"; return; }
    done
  fi
}

take_lock() {
  mkdir -p "$(dirname "${LOCK_FILE}")"
  exec 9>>"${LOCK_FILE}"
  flock -w 600 9 || die "another flink-cluster.sh holds ${LOCK_FILE}"
}

# the configuration that must match for a running cluster to be reused
config_key() {
  printf 'version=%s tms=%s slots=%s base=%s jm=%s tm=%s mysql=%s jars=%s' \
    "${FLINK_VERSION}" "${TASKMANAGERS}" "${SLOTS}" "${BASE_PORT}" "${JM_MEMORY}" "${TM_MEMORY}" \
    "${LIB_MYSQL}" "${LIB_JARS}"
}

load_state() {
  [[ -s ${STATE_FILE} ]] || return 1
  # shellcheck disable=SC1090
  source "${STATE_FILE}"
}

# ---------------------------------------------------------------------------------------------
# lib/ and opt/ from Maven Central (cached per Flink version)
# ---------------------------------------------------------------------------------------------
dist_stamp() {
  printf '%s %s %s\n' "${FLINK_VERSION}" "${MYSQL_CONNECTOR_VERSION}" "$(sha1sum <"${SCRIPT_DIR}/pom.xml" | cut -d' ' -f1)"
}

# mvn dependency:copy-dependencies of a profile of pom.xml into a folder
copy_profile() {
  local profile="$1" out="$2"
  shift 2
  log "resolving ${profile} of Flink ${FLINK_VERSION} (Maven)"
  local mvn_log
  mvn_log="$(mktemp)"
  if ! mvn -B -ntp -Dstyle.color=never -f "${SCRIPT_DIR}/pom.xml" "-P${profile}" dependency:copy-dependencies \
    "-DoutputDirectory=${out}" "-Dflink.version=${FLINK_VERSION}" \
    "-Dmysql.connector.version=${MYSQL_CONNECTOR_VERSION}" "$@" >"${mvn_log}" 2>&1; then
    tail -n 40 "${mvn_log}" >&2
    rm -f "${mvn_log}"
    die "could not resolve the ${profile} jars of Flink ${FLINK_VERSION}"
  fi
  rm -f "${mvn_log}"
}

install_dist() {
  if [[ -f ${DIST_DIR}/.stamp && "$(cat "${DIST_DIR}/.stamp")" == "$(dist_stamp)" ]]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn is needed to assemble Flink's lib/ from Maven Central"
  command -v unzip >/dev/null 2>&1 || die "unzip is needed to assemble Flink's lib/"
  mkdir -p "${CACHE_DIR}"
  local tmp
  tmp="$(mktemp -d "${CACHE_DIR}/.flink-${FLINK_VERSION}.XXXXXX")"
  copy_profile lib "${tmp}/lib"
  copy_profile sql-client "${tmp}/sql-client"
  copy_profile mysql "${tmp}/mysql" -DexcludeTransitive=true
  copy_profile python "${tmp}/python" -DexcludeTransitive=true
  # the Python option classes flink-dist bundles (see pom.xml), as a small jar in lib/
  mkdir -p "${tmp}/python/classes"
  unzip -q -o "${tmp}"/python/flink-python-*.jar 'org/apache/flink/python/util/PythonDependencyUtils*' \
    'org/apache/flink/python/PythonOptions*' -d "${tmp}/python/classes" ||
    die "flink-python ${FLINK_VERSION} has no PythonDependencyUtils"
  "${JAR_RUN}" cf "${tmp}/lib/flink-dist-python-options-${FLINK_VERSION}.jar" -C "${tmp}/python/classes" .
  rm -rf "${tmp}/python"
  # opt/: what the SQL client adds to lib/ (the client, the embedded gateway and their own deps)
  mkdir -p "${tmp}/opt"
  local f
  for f in "${tmp}"/sql-client/*.jar; do
    [[ -e ${tmp}/lib/$(basename "${f}") ]] || mv "${f}" "${tmp}/opt/"
  done
  rm -rf "${tmp}/sql-client"
  dist_stamp >"${tmp}/.stamp"
  rm -rf "${DIST_DIR}"
  mv "${tmp}" "${DIST_DIR}"
  chmod -R a+rX "${DIST_DIR}"
  log "Flink ${FLINK_VERSION}: $(ls "${DIST_DIR}/lib" | wc -l) jars in lib/, $(ls "${DIST_DIR}/opt" | wc -l) in opt/ (${DIST_DIR})"
}

# ---------------------------------------------------------------------------------------------
# Configuration files
# ---------------------------------------------------------------------------------------------
write_config() {
  cat >"${CONF_DIR}/${CONF_FILE}" <<EOF
# Written by flink-cluster.sh for Flink ${FLINK_VERSION}. Flat keys: valid for the legacy
# flink-conf.yaml reader and for standard YAML (config.yaml) alike.
env.java.opts.all: ${JAVA_OPTS_ALL}
jobmanager.rpc.address: 127.0.0.1
jobmanager.rpc.port: ${RPC_PORT}
jobmanager.bind-host: 127.0.0.1
jobmanager.memory.process.size: ${JM_MEMORY}
jobmanager.execution.failover-strategy: region
taskmanager.bind-host: 127.0.0.1
taskmanager.host: 127.0.0.1
taskmanager.numberOfTaskSlots: ${SLOTS}
taskmanager.memory.process.size: ${TM_MEMORY}
# streaming jobs on the hashmap state backend use no managed memory
taskmanager.memory.managed.fraction: 0.1
# spread a job's slots over the TaskManagers (readers of one source in separate processes)
taskmanager.load-balance.mode: SLOTS
parallelism.default: 1
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: ${REST_PORT}
blob.server.port: ${BLOB_PORT}
web.upload.dir: ${DATA_DIR}/web-upload
io.tmp.dirs: ${DATA_DIR}/tmp
execution.checkpointing.dir: file://${DATA_DIR}/checkpoints
execution.checkpointing.savepoint-dir: file://${DATA_DIR}/savepoints
restart-strategy.type: fixed-delay
restart-strategy.fixed-delay.attempts: 100
restart-strategy.fixed-delay.delay: 1 s
# notice a killed TaskManager within seconds (defaults: 10 s interval, 50 s timeout)
heartbeat.interval: 1000
heartbeat.timeout: 10000
# the web UI's and REST API's view of metrics: refreshed every second (default 10 s)
metrics.fetcher.update-interval: 1000
EOF
  local f
  for f in log4j.properties log4j-cli.properties; do
    cat >"${CONF_DIR}/${f}" <<'EOF'
# As in Flink's distribution (everything at INFO into the file named by -Dlog.file), with the
# thread: a task's thread names its subtask, e.g. "Source: orders (1/2)#0".
monitorInterval = 30
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
logger.pekko.name = org.apache.pekko
logger.pekko.level = INFO
logger.akka.name = akka
logger.akka.level = INFO
logger.netty.name = org.jboss.netty.channel.DefaultChannelPipeline
logger.netty.level = OFF
logger.shaded_zookeeper.name = org.apache.flink.shaded.zookeeper3
logger.shaded_zookeeper.level = INFO
appender.main.name = MainAppender
appender.main.type = RollingFile
appender.main.append = true
appender.main.fileName = ${sys:log.file}
appender.main.filePattern = ${sys:log.file}.%i
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x [%t] - %m%n
appender.main.policies.type = Policies
appender.main.policies.size.type = SizeBasedTriggeringPolicy
appender.main.policies.size.size = 100MB
appender.main.policies.startup.type = OnStartupTriggeringPolicy
appender.main.strategy.type = DefaultRolloverStrategy
appender.main.strategy.max = 10
EOF
  done
}

# lib/ of this cluster: the distribution's jars (links into the cache), the MySQL driver and
# FLINK_LIB_JARS; opt/: the SQL client's
assemble_home() {
  mkdir -p "${LIB_DIR}" "${OPT_DIR}"
  local f
  for f in "${DIST_DIR}"/lib/*.jar; do ln -sf "${f}" "${LIB_DIR}/"; done
  for f in "${DIST_DIR}"/opt/*.jar; do ln -sf "${f}" "${OPT_DIR}/"; done
  if [[ ${LIB_MYSQL} == 1 ]]; then
    for f in "${DIST_DIR}"/mysql/*.jar; do ln -sf "${f}" "${LIB_DIR}/"; done
  fi
  local jar
  local -a jars
  IFS=',' read -r -a jars <<<"${LIB_JARS}"
  for jar in "${jars[@]}"; do
    [[ -n ${jar} ]] || continue
    [[ -f ${jar} ]] || die "FLINK_LIB_JARS: no file ${jar}"
    cp "${jar}" "${LIB_DIR}/"
  done
}

# the class path of lib/ (sorted, as bin/config.sh builds it), optionally with opt/
class_path() {
  local dirs=("${LIB_DIR}") f cp=""
  [[ ${1:-} == with-opt ]] && dirs+=("${OPT_DIR}")
  while IFS= read -r f; do cp="${cp:+${cp}:}${f}"; done < <(
    for d in "${dirs[@]}"; do find "${d}" -maxdepth 1 -name '*.jar' | LC_ALL=C sort; done
  )
  echo "${cp}"
}

# BashJavaUtils, as bin/taskmanager.sh and bin/jobmanager.sh call it: JVM memory flags (line 1)
# and the derived memory options (line 2, "-D key=value ...")
memory_params() {
  local out
  out="$("${JAVA_RUN}" -classpath "$(class_path)" org.apache.flink.runtime.util.bash.BashJavaUtils \
    "$1" --configDir "${CONF_DIR}" 2>&1)" || {
    printf '%s\n' "${out}" | tail -n 20 >&2
    die "BashJavaUtils $1 failed"
  }
  printf '%s\n' "${out}" | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' | tail -n 2
}

# ---------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------
# launch NAME LOGNAME CLASS ARGS...: starts a Flink JVM in its own session with our MARKER, as
# bin/flink-daemon.sh does (log file via -Dlog.file, stdout/stderr into .out)
launch() {
  local name="$1" logname="$2" jvm_mem="$3" class="$4"
  shift 4
  local pidf="${PID_DIR}/${name}.pid" logf="${LOG_DIR}/${logname}.log" outf="${LOG_DIR}/${logname}.out"
  rm -f "${pidf}"
  local -a jvm
  # shellcheck disable=SC2206
  jvm=(${JAVA_OPTS_ALL} ${jvm_mem} "-Dlog.file=${logf}" "-Dlog4j.configuration=file:${CONF_DIR}/log4j.properties"
    "-Dlog4j.configurationFile=file:${CONF_DIR}/log4j.properties")
  (
    exec 8>&- 9>&-
    cd "${DATA_DIR}"
    # shellcheck disable=SC2016
    exec setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "${pidf}" \
      env "${MARKER}" "FLINK_CONF_DIR=${CONF_DIR}" "FLINK_LOG_DIR=${LOG_DIR}" "FLINK_LIB_DIR=${LIB_DIR}" \
      "FLINK_OPT_DIR=${OPT_DIR}" "FLINK_HOME=${DATA_DIR}" \
      "${JAVA_RUN}" "${jvm[@]}" -classpath "$(class_path)" "${class}" "$@"
  ) </dev/null >>"${outf}" 2>&1 &
  disown $! 2>/dev/null || true
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -s ${pidf} ]] && is_ours "$(cat "${pidf}" 2>/dev/null)" && return 0
    sleep 0.1
  done
  show_log_tail "${outf}"
  die "${name} did not start"
}

start_jobmanager() {
  local -a dyn
  # shellcheck disable=SC2206
  dyn=(${JM_DYNAMIC})
  log "starting the JobManager (REST ${REST_PORT}, RPC ${RPC_PORT})"
  launch jobmanager "flink-standalonesession-0" "${JM_JVM}" \
    org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    --configDir "${CONF_DIR}" --executionMode cluster "${dyn[@]}"
}

start_taskmanager() {
  local n="$1"
  local -a dyn
  # shellcheck disable=SC2206
  dyn=(${TM_DYNAMIC})
  log "starting TaskManager ${n}"
  launch "taskmanager-${n}" "flink-taskexecutor-${n}" "${TM_JVM}" \
    org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    --configDir "${CONF_DIR}" "${dyn[@]}" -D "taskmanager.resource-id=taskmanager-${n}"
}

stop_pids() {
  local secs="$1" i pid
  shift
  local -a pids=()
  for pid in "$@"; do
    if is_ours "${pid}"; then
      pids+=("${pid}")
      kill -TERM "${pid}" 2>/dev/null || true
    fi
  done
  [[ ${#pids[@]} -gt 0 ]] || return 0
  for ((i = 0; i < secs * 10; i++)); do
    local alive=0
    for pid in "${pids[@]}"; do pid_alive "${pid}" && alive=1; done
    [[ ${alive} -eq 0 ]] && return 0
    sleep 0.1
  done
  for pid in "${pids[@]}"; do
    if pid_alive "${pid}"; then
      log "pid ${pid} did not stop in ${secs}s, killing it"
      kill -KILL "${pid}" 2>/dev/null || true
    fi
  done
  sleep 0.5
}

stop_cluster() {
  local f pid
  local -a pids=()
  for f in "${PID_DIR}"/taskmanager-*.pid; do
    [[ -f ${f} ]] || continue
    if pid="$(owned_pid "${f}")"; then pids+=("${pid}"); fi
  done
  if [[ ${#pids[@]} -gt 0 ]]; then
    log "stopping the TaskManagers (${pids[*]})"
    stop_pids 30 "${pids[@]}"
  fi
  if pid="$(owned_pid "${PID_DIR}/jobmanager.pid")"; then
    log "stopping the JobManager (${pid})"
    stop_pids 30 "${pid}"
  fi
  local -a left
  mapfile -t left < <(marked_pids)
  if [[ ${#left[@]} -gt 0 ]]; then
    log "terminating leftover processes of the cluster: ${left[*]}"
    stop_pids 30 "${left[@]}"
  fi
}

# number of TaskManagers the JobManager has registered, or nothing if REST does not answer
registered_taskmanagers() {
  rest_get /overview | sed -n 's/.*"taskmanagers":\([0-9]*\).*/\1/p'
}

cluster_healthy() {
  load_state || return 1
  owned_pid "${PID_DIR}/jobmanager.pid" >/dev/null || return 1
  local n
  for ((n = 1; n <= TASKMANAGERS; n++)); do
    owned_pid "${PID_DIR}/taskmanager-${n}.pid" >/dev/null || return 1
  done
  [[ "$(registered_taskmanagers)" == "${TASKMANAGERS}" ]]
}

wait_healthy() {
  local deadline=$((SECONDS + START_TIMEOUT)) n
  while ((SECONDS < deadline)); do
    cluster_healthy && return 0
    owned_pid "${PID_DIR}/jobmanager.pid" >/dev/null || {
      show_log_tail "${LOG_DIR}/flink-standalonesession-0.log"
      show_log_tail "${LOG_DIR}/flink-standalonesession-0.out"
      die "the JobManager exited"
    }
    for ((n = 1; n <= TASKMANAGERS; n++)); do
      owned_pid "${PID_DIR}/taskmanager-${n}.pid" >/dev/null || {
        show_log_tail "${LOG_DIR}/flink-taskexecutor-${n}.log"
        show_log_tail "${LOG_DIR}/flink-taskexecutor-${n}.out"
        die "TaskManager ${n} exited"
      }
    done
    sleep 0.5
  done
  show_log_tail "${LOG_DIR}/flink-standalonesession-0.log"
  die "the cluster did not become healthy in ${START_TIMEOUT}s ($(registered_taskmanagers) of ${TASKMANAGERS} TaskManagers registered)"
}

env_lines() {
  local n pid
  printf '%s\n' \
    "FLINK_VERSION=${FLINK_VERSION}" \
    "FLINK_REST_URL=http://127.0.0.1:${REST_PORT}" \
    "FLINK_REST_PORT=${REST_PORT}" \
    "FLINK_RPC_PORT=${RPC_PORT}" \
    "FLINK_TASKMANAGERS=${TASKMANAGERS}" \
    "FLINK_TASK_SLOTS=${SLOTS}" \
    "FLINK_HOME=${DATA_DIR}" \
    "FLINK_CONF_DIR=${CONF_DIR}" \
    "FLINK_LOG_DIR=${LOG_DIR}" \
    "FLINK_CHECKPOINT_DIR=file://${DATA_DIR}/checkpoints" \
    "FLINK_SAVEPOINT_DIR=file://${DATA_DIR}/savepoints" \
    "FLINK_DATA_DIR=${DATA_DIR}"
  pid="$(owned_pid "${PID_DIR}/jobmanager.pid" || true)"
  echo "FLINK_JOBMANAGER_PID=${pid}"
  for ((n = 1; n <= TASKMANAGERS; n++)); do
    pid="$(owned_pid "${PID_DIR}/taskmanager-${n}.pid" || true)"
    echo "FLINK_TASKMANAGER_${n}_PID=${pid}"
    echo "FLINK_TASKMANAGER_${n}_ID=taskmanager-${n}"
  done
}

print_env() {
  env_lines | tee "${ENV_FILE}"
}

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------
start_new_cluster() {
  rm -rf "${DATA_DIR}"
  mkdir -p "${CONF_DIR}" "${LOG_DIR}" "${PID_DIR}" "${DATA_DIR}/tmp" "${DATA_DIR}/web-upload" \
    "${DATA_DIR}/checkpoints" "${DATA_DIR}/savepoints"
  assemble_home
  if [[ -n ${BASE_PORT} ]]; then
    REST_PORT=${BASE_PORT}
    RPC_PORT=$((BASE_PORT + 1))
    BLOB_PORT=$((BASE_PORT + 2))
    local p
    for p in "${REST_PORT}" "${RPC_PORT}" "${BLOB_PORT}"; do
      port_open "${p}" && die "port ${p} is in use (FLINK_BASE_PORT=${BASE_PORT})"
    done
  else
    REST_PORT="$(free_port)"
    RPC_PORT="$(free_port)"
    BLOB_PORT="$(free_port)"
  fi
  write_config
  # both memory calculations at once: each is a JVM start
  local jm tm
  memory_params GET_JM_RESOURCE_PARAMS >"${DATA_DIR}/tmp/jm-memory" &
  local jm_job=$!
  tm="$(memory_params GET_TM_RESOURCE_PARAMS)"
  wait "${jm_job}" || die "the JobManager's memory could not be computed"
  jm="$(cat "${DATA_DIR}/tmp/jm-memory")"
  JM_JVM="$(sed -n 1p <<<"${jm}")"
  JM_DYNAMIC="$(sed -n 2p <<<"${jm}")"
  TM_JVM="$(sed -n 1p <<<"${tm}")"
  TM_DYNAMIC="$(sed -n 2p <<<"${tm}")"
  {
    printf 'CONFIG_KEY=%q\n' "$(config_key)"
    printf 'REST_PORT=%q\nRPC_PORT=%q\nBLOB_PORT=%q\n' "${REST_PORT}" "${RPC_PORT}" "${BLOB_PORT}"
    printf 'JM_JVM=%q\nJM_DYNAMIC=%q\nTM_JVM=%q\nTM_DYNAMIC=%q\n' "${JM_JVM}" "${JM_DYNAMIC}" "${TM_JVM}" "${TM_DYNAMIC}"
  } >"${STATE_FILE}"
  start_jobmanager
  local n
  for ((n = 1; n <= TASKMANAGERS; n++)); do start_taskmanager "${n}"; done
}

on_up_failure() {
  local rc=$?
  [[ ${rc} -eq 0 ]] && return 0
  if [[ ${FLINK_KEEP_ON_FAILURE:-0} == 1 ]]; then
    log "start-up failed; the cluster is left as it is for inspection; logs in ${LOG_DIR}"
  else
    log "start-up failed; stopping what was started (FLINK_KEEP_ON_FAILURE=1 keeps it)"
    stop_cluster || true
  fi
  exit "${rc}"
}

cmd_up() {
  local t0=${SECONDS}
  [[ -z ${BASE_PORT} || ${BASE_PORT} =~ ^[0-9]+$ ]] || die "FLINK_BASE_PORT must be a number: ${BASE_PORT}"
  take_lock
  if load_state && [[ ${CONFIG_KEY:-} == "$(config_key)" ]] && owned_pid "${PID_DIR}/jobmanager.pid" >/dev/null; then
    # the same cluster: start the TaskManagers that are gone (e.g. killed by a test)
    local n restarted=0
    for ((n = 1; n <= TASKMANAGERS; n++)); do
      if ! owned_pid "${PID_DIR}/taskmanager-${n}.pid" >/dev/null; then
        start_taskmanager "${n}"
        restarted=1
      fi
    done
    [[ ${restarted} -eq 1 ]] || log "cluster already running"
    wait_healthy
    print_env
    return 0
  fi
  install_dist
  if [[ -e ${DATA_DIR} ]]; then
    log "cleaning up a stale cluster or one of another configuration in ${DATA_DIR}"
    stop_cluster
  fi
  log "starting Flink ${FLINK_VERSION}: a JobManager and ${TASKMANAGERS} TaskManagers x ${SLOTS} slots in ${DATA_DIR}"
  trap 'on_up_failure' EXIT
  start_new_cluster
  wait_healthy
  trap - EXIT
  print_env
  log "cluster is up ($((SECONDS - t0))s): web UI http://127.0.0.1:${REST_PORT}"
}

cmd_down() {
  take_lock
  if [[ ! -e ${DATA_DIR} ]]; then
    log "no cluster in ${DATA_DIR}"
    return 0
  fi
  stop_cluster
  rm -rf "${DATA_DIR}"
  log "cluster stopped, ${DATA_DIR} removed"
}

cmd_status() {
  if cluster_healthy; then
    env_lines
    return 0
  fi
  if load_state; then env_lines; fi
  log "no healthy cluster in ${DATA_DIR}"
  return 1
}

# runs a SQL file with Flink's SQL client in embedded mode, as bin/sql-client.sh does (lib/ and
# opt/ on the class path, the configuration from FLINK_CONF_DIR), each JAR with -j
cmd_sql() {
  local file="${1:-}"
  [[ -n ${file} && -f ${file} ]] || die "usage: $0 sql FILE [JAR...] (no file '${file}')"
  shift
  cluster_healthy || die "no healthy cluster in ${DATA_DIR}; run '$0 up' first"
  local -a args=(-f "${file}")
  local jar
  for jar in "$@"; do
    [[ -f ${jar} ]] || die "no jar ${jar}"
    args+=(-j "${jar}")
  done
  local out rc=0 stamp
  stamp="$(date +%Y%m%d-%H%M%S)-$$"
  # the client's screen output echoes the statements (with any password in them): shown on
  # stderr, not kept
  out="$(mktemp)"
  local -a jvm
  # shellcheck disable=SC2206
  jvm=(${JAVA_OPTS_ALL} "-Dlog.file=${LOG_DIR}/flink-sql-client-${stamp}.log"
    "-Dlog4j.configuration=file:${CONF_DIR}/log4j-cli.properties"
    "-Dlog4j.configurationFile=file:${CONF_DIR}/log4j-cli.properties")
  (
    exec 9>&-
    exec env "${MARKER}" "FLINK_CONF_DIR=${CONF_DIR}" "FLINK_LIB_DIR=${LIB_DIR}" "FLINK_OPT_DIR=${OPT_DIR}" \
      "FLINK_HOME=${DATA_DIR}" "${JAVA_RUN}" "${jvm[@]}" -classpath "$(class_path with-opt)" \
      org.apache.flink.table.client.SqlClient "${args[@]}"
  ) </dev/null >"${out}" 2>&1 || rc=$?
  cat "${out}" >&2
  sed -n 's/.*Job ID: \([0-9a-f]\{32\}\).*/FLINK_JOB_ID=\1/p' "${out}"
  if grep -q '\[ERROR\]' "${out}" && [[ ${rc} -eq 0 ]]; then rc=1; fi
  rm -f "${out}"
  if [[ ${rc} -ne 0 ]]; then
    die "the SQL client failed (exit code ${rc}); its log: ${LOG_DIR}/flink-sql-client-${stamp}.log"
  fi
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  sql)
    shift
    cmd_sql "$@"
    ;;
  install) install_dist ;;
  *)
    echo "usage: $0 up|down|status|sql FILE [JAR...]|install" >&2
    exit 2
    ;;
esac
