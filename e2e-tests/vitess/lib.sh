# shellcheck shell=bash
# What vitess.sh, cluster.sh and secure.sh share; they source it (it is not run on its own):
# logging, root and run-user handling, data dir, lock and cache dir, pid files and "is this
# process ours" checks, ports, detached start and stop of processes, the MySQL client, and the
# versions of what they install (versions.env).

LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# the script that sourced this file names the log lines
SCRIPT_NAME="$(basename "${BASH_SOURCE[1]:-$0}")"

# shellcheck source=versions.env
source "${LIB_DIR}/versions.env"

# mysqld refuses to run as root: as root, the clusters run as this user
RUN_USER_NAME="${VITESS_RUN_USER:-vitess}"

# ---------------------------------------------------------------------------------------------
# Logging (stderr only: stdout carries the KEY=value lines)
# ---------------------------------------------------------------------------------------------
log() { printf '[%s %s] %s\n' "${SCRIPT_NAME}" "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  printf '[%s] ERROR: %s\n' "${SCRIPT_NAME}" "$*" >&2
  exit 1
}

# show_log_tail FILE [LINES]: the end of a log on stderr, without the (long) flag usage that
# Vitess' commands print on errors
show_log_tail() {
  local f="$1" n="${2:-40}"
  if [[ -s ${f} ]]; then
    log "last ${n} lines of ${f}:"
    grep -v -E '^[[:space:]]+-|^(Usage|Flags|Global Flags):|^[[:space:]]*[a-z]+ \[flags\]' "${f}" |
      tail -n "${n}" | cut -c1-1000 >&2 || true
  else
    log "(log ${f} is empty or missing)"
  fi
}

# write_env FILE LINES: the KEY=value lines to FILE and stdout
write_env() {
  printf '%s\n' "$2" >"$1"
  printf '%s\n' "$2"
}

# ---------------------------------------------------------------------------------------------
# Root, run user, locations
# ---------------------------------------------------------------------------------------------
as_root() {
  if [[ ${EUID} -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

# the user the cluster processes run as
run_user() {
  if [[ ${EUID} -eq 0 ]]; then echo "${RUN_USER_NAME}"; else id -un; fi
}

ensure_run_user() {
  [[ ${EUID} -eq 0 ]] || return 0
  if ! id -u "${RUN_USER_NAME}" >/dev/null 2>&1; then
    log "creating system user ${RUN_USER_NAME} (mysqld refuses to run as root)"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "${RUN_USER_NAME}" ||
      die "could not create user ${RUN_USER_NAME}"
  fi
}

# runs a command as the run user
as_run_user() {
  if [[ ${EUID} -eq 0 ]]; then
    setpriv --reuid="${RUN_USER_NAME}" --regid="${RUN_USER_NAME}" --init-groups "$@"
  else
    "$@"
  fi
}

# gives files to the run user (when we are root; else they are the run user's already)
chown_run_user() {
  if [[ ${EUID} -eq 0 ]]; then chown -R "${RUN_USER_NAME}:" "$@"; fi
}

# default_data_dir NAME: where a script keeps its cluster (one per user when not root)
default_data_dir() {
  if [[ ${EUID} -eq 0 ]]; then
    echo "/tmp/flink-connector-planetscale-$1"
  else
    echo "${TMPDIR:-/tmp}/flink-connector-planetscale-$1-$(id -un)"
  fi
}

# where the installed binaries are cached (by version)
default_cache_dir() {
  if [[ ${EUID} -eq 0 ]]; then
    echo "/var/cache/flink-connector-planetscale"
  else
    echo "${HOME}/.cache/flink-connector-planetscale"
  fi
}

# take_lock FILE [SECS]: holds FILE locked on fd 9 until the script exits (waits SECS, or forever)
take_lock() {
  mkdir -p "$(dirname "$1")"
  exec 9>>"$1"
  if [[ -n ${2:-} ]]; then
    flock -w "$2" 9 || die "another ${SCRIPT_NAME} holds $1"
  else
    flock 9
  fi
}

# ---------------------------------------------------------------------------------------------
# Debian packages
# ---------------------------------------------------------------------------------------------
# apt_install PKG...: installs them (as root, or through sudo); dies with apt's output if it fails
apt_install() {
  [[ $# -gt 0 ]] || return 0
  command -v apt-get >/dev/null 2>&1 || die "missing packages $* and no apt-get to install them"
  log "installing Debian packages: $*"
  local apt_log
  apt_log="$(mktemp)"
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >"${apt_log}" 2>&1 ||
    ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >>"${apt_log}" 2>&1; then
    tail -n 30 "${apt_log}" >&2
    rm -f "${apt_log}"
    die "apt-get could not install: $*"
  fi
  rm -f "${apt_log}"
}

# ensure_apt_packages PKG...: installs those that are not installed
ensure_apt_packages() {
  local -a missing=()
  local p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "${p}" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("${p}")
    fi
  done
  apt_install "${missing[@]}"
}

# ---------------------------------------------------------------------------------------------
# Processes: is it ours, start detached, stop
# ---------------------------------------------------------------------------------------------
pid_alive() {
  [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null
}

# cmdline_matches PID REGEX: the command line of PID matches REGEX
cmdline_matches() {
  tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q -- "$2"
}

# environ_has PID VAR=VALUE: PID's environment has exactly that variable
environ_has() {
  tr '\0' '\n' 2>/dev/null <"/proc/$1/environ" | grep -qxF -- "$2"
}

# in_session PID SID: PID belongs to the session SID
in_session() {
  # field 6 of /proc/PID/stat is the session id (the comm field before it may contain spaces)
  [[ "$(sed -E 's/^.*\) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f4)" == "$2" ]]
}

# pid_from_file FILE CHECK [ARGS...]: prints the pid in FILE if that process is alive and
# `CHECK PID ARGS...` holds (i.e. it is ours, not a reused pid)
pid_from_file() {
  local file="$1" pid
  shift
  [[ -s ${file} ]] || return 1
  pid="$(cat "${file}" 2>/dev/null || true)"
  pid_alive "${pid}" || return 1
  "$1" "${pid}" "${@:2}" || return 1
  echo "${pid}"
}

# pids_where CHECK [ARGS...]: the live processes (but this shell) for which `CHECK PID ARGS...` holds
pids_where() {
  local p
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    [[ ${p} == "$$" || ${p} == "${BASHPID}" ]] && continue
    if "$1" "${p}" "${@:2}"; then echo "${p}"; fi
  done
  return 0
}

# start_detached DIR PIDFILE CMD... &: runs CMD in DIR in a new session (what it starts can be
# found by its session id), as the run user when we are root (HOME=DIR then), without our lock
# fds; the pid of CMD goes to PIDFILE (unless that is empty). Call it in the background (`&`,
# with its stdio redirected): it replaces the shell that runs it.
start_detached() {
  local dir="$1" pidf="$2"
  shift 2
  # the cluster must not inherit (and so hold) our lock files
  exec 8>&- 9>&-
  cd "${dir}" || exit 1
  # shellcheck disable=SC2016
  exec setsid bash -c '
    [ -z "$1" ] || echo $$ >"$1"
    dir=$2 user=$3
    shift 3
    if [ "$(id -u)" = 0 ]; then
      exec setpriv --reuid="${user}" --regid="${user}" --init-groups \
        env HOME="${dir}" USER="${user}" LOGNAME="${user}" "$@"
    fi
    exec "$@"' _ "${pidf}" "${dir}" "$(run_user)" "$@"
}

# terminate PID NAME [SECS]: SIGTERM, up to SECS (60) for it to exit, then SIGKILL
terminate() {
  local pid="$1" name="$2" secs="${3:-60}" i
  kill -TERM "${pid}" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    pid_alive "${pid}" || return 0
    sleep 0.1
  done
  log "${name} (pid ${pid}) did not stop in ${secs}s, killing it"
  kill -KILL "${pid}" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    pid_alive "${pid}" || return 0
    sleep 0.1
  done
}

# terminate_all SECS PID...: SIGTERM to all at once, up to SECS for all to exit, then SIGKILL to
# what is left
terminate_all() {
  local secs="$1" i pid alive
  shift
  [[ $# -gt 0 ]] || return 0
  kill -TERM "$@" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    alive=0
    for pid in "$@"; do pid_alive "${pid}" && alive=1; done
    [[ ${alive} -eq 0 ]] && return 0
    sleep 0.1
  done
  for pid in "$@"; do
    if pid_alive "${pid}"; then
      log "pid ${pid} ($(tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null | cut -c1-80)) did not stop in ${secs}s, killing it"
      kill -KILL "${pid}" 2>/dev/null || true
    fi
  done
  sleep 0.5
}

# kill_all PID...: SIGKILL, then waits (up to 10 s) until they are gone: for processes whose data
# is deleted next, where a graceful stop only costs time (a vttablet waits for its health stream,
# a mysqld flushes)
kill_all() {
  [[ $# -gt 0 ]] || return 0
  kill -KILL "$@" 2>/dev/null || true
  local i pid alive
  for ((i = 0; i < 100; i++)); do
    alive=0
    for pid in "$@"; do pid_alive "${pid}" && alive=1; done
    [[ ${alive} -eq 0 ]] && return 0
    sleep 0.1
  done
}

# ---------------------------------------------------------------------------------------------
# Ports, HTTP, MySQL
# ---------------------------------------------------------------------------------------------
# true when something accepts TCP connections on 127.0.0.1:$1
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# require_free_ports HINT PORT...: dies if another process listens on one of them
require_free_ports() {
  local hint="$1" port
  shift
  for port in "$@"; do
    if port_open "${port}"; then
      die "port ${port} on 127.0.0.1 is in use by another process (${hint})"
    fi
  done
}

# body of an HTTP GET to 127.0.0.1:$1$2 (HTTP/1.0, no curl needed)
http_get() {
  # shellcheck disable=SC2016
  timeout 5 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" "$2" >&3
    cat <&3' _ "$1" "$2" 2>/dev/null
}

mysql_client() {
  local bin
  bin="$(command -v mysql || command -v mariadb || true)"
  [[ -n ${bin} ]] || die "no mysql client found (package mariadb-client)"
  "${bin}" "$@"
}

# vtgate_query PORT SQL: runs SQL through a VTGate's MySQL port (user root, no password)
vtgate_query() {
  mysql_client --protocol=TCP -h127.0.0.1 -P"$1" -uroot --connect-timeout=5 -N -B -e "$2"
}

# mysqld_version MYSQL_ROOT: e.g. 8.0.31
mysqld_version() {
  "$1/bin/mysqld" --version 2>/dev/null | sed -n 's/.* Ver \([0-9][0-9.]*\).*/\1/p'
}
