#!/usr/bin/env bash
# Secure endpoints in front of the local Vitess, for the TLS / authentication end-to-end tests:
#
#   * a VTGate of its own (a second vtcombo with one unsharded keyspace `secure`, on the mysqld of
#     vitess.sh's vttestserver) with gRPC TLS + client certificates (mTLS) + Vitess' static gRPC
#     auth, and its MySQL protocol with TLS required (vtcombo has no static MySQL auth);
#   * nginx (Debian) as a stand-in for the PlanetScale edge: TLS with a test CA, HTTP Basic auth,
#     gRPC passed to that VTGate (over mTLS, sending the static credentials itself).
#
#   secure.sh up       install what is missing (nginx, openssl), start, print KEY=value lines
#   secure.sh status   print the KEY=value lines; exit 0 if healthy, else 1
#   secure.sh down     stop exactly what `up` started and remove the data dir
#
# Needs vitess.sh's cluster (`up` starts it if needed; `vitess.sh down` does not stop us: run
# `secure.sh down` first). Progress goes to stderr; stdout only carries KEY=value lines.
# The credentials printed are test values, generated for this cluster only.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "${SCRIPT_DIR}/lib.sh"
VITESS_SH="${SCRIPT_DIR}/vitess.sh"

DATA_DIR="${SECURE_DATA_DIR:-$(default_data_dir secure)}"
DATA_DIR="${DATA_DIR%/}"
BASE_PORT="${SECURE_BASE_PORT:-16100}"
START_TIMEOUT="${SECURE_START_TIMEOUT:-120}"
KEYSPACE="secure"
USER_NAME="tls_user"
# distinctive, so that the leak test can search logs for it
PASSWORD="${SECURE_PASSWORD:-Pw-7f2c91-d0-not-leak}"

NGINX_PORT=$((BASE_PORT))
VTGATE_HTTP_PORT=$((BASE_PORT + 1))
VTGATE_GRPC_PORT=$((BASE_PORT + 2))
VTGATE_MYSQL_PORT=$((BASE_PORT + 3))

CERT_DIR="${DATA_DIR}/certs"
LOG_DIR="${DATA_DIR}/logs"
VTGATE_PID="${DATA_DIR}/vtgate.pid"
NGINX_PID="${DATA_DIR}/nginx.pid"
NGINX_CONF="${DATA_DIR}/nginx.conf"
ENV_FILE="${DATA_DIR}/secure.env"
LOCK_FILE="${DATA_DIR}.lock"
# tables the tests use (created before the VTGate starts, so its tablet knows them at once)
TABLES=(tls_direct tls_nginx tls_sql tls_leak)

# pid from a pid file, if that process is alive and its command line mentions our data dir
owned_pid() {
  pid_from_file "$1" cmdline_matches "${DATA_DIR}"
}

stop_pid_file() {
  local name="$1" file="$2" pid
  pid="$(owned_pid "${file}")" || return 0
  log "stopping ${name} (pid ${pid})"
  terminate "${pid}" "${name}" 30
}

ensure_packages() {
  local -a missing=()
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
  apt_install "${missing[@]}"
}

env_lines() {
  cat <<EOF
SECURE_HOST=127.0.0.1
SECURE_TLS_HOSTNAME=localhost
SECURE_NGINX_PORT=${NGINX_PORT}
SECURE_VTGATE_GRPC_PORT=${VTGATE_GRPC_PORT}
SECURE_VTGATE_MYSQL_PORT=${VTGATE_MYSQL_PORT}
SECURE_KEYSPACE=${KEYSPACE}
SECURE_USER=${USER_NAME}
SECURE_PASSWORD=${PASSWORD}
SECURE_CA_CERT=${CERT_DIR}/ca.pem
SECURE_OTHER_CA_CERT=${CERT_DIR}/other-ca.pem
SECURE_CLIENT_CERT=${CERT_DIR}/client.pem
SECURE_CLIENT_KEY=${CERT_DIR}/client.key
SECURE_DATA_DIR=${DATA_DIR}
EOF
}

healthy() {
  owned_pid "${VTGATE_PID}" >/dev/null && owned_pid "${NGINX_PID}" >/dev/null &&
    port_open "${NGINX_PORT}" && port_open "${VTGATE_GRPC_PORT}" && port_open "${VTGATE_MYSQL_PORT}" &&
    mysql_tls -e "SELECT 1 FROM ${TABLES[0]} LIMIT 1" >/dev/null 2>&1
}

mysql_tls() {
  mysql_client --protocol=TCP -h127.0.0.1 -P"${VTGATE_MYSQL_PORT}" -u"${USER_NAME}" -p"${PASSWORD}" \
    --ssl --ssl-ca="${CERT_DIR}/ca.pem" --connect-timeout=5 -N -B -D "${KEYSPACE}" "$@"
}

# a test CA, a server certificate for 127.0.0.1/localhost, a client certificate, an unrelated CA
make_certs() {
  mkdir -p "${CERT_DIR}"
  (
    cd "${CERT_DIR}"
    local ca
    for ca in ca other-ca; do
      openssl req -x509 -newkey rsa:2048 -nodes -days 30 -keyout "${ca}.key" -out "${ca}.pem" \
        -subj "/CN=flink-connector-planetscale test ${ca}" 2>/dev/null
    done
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
      -extfile server.ext -out server.pem 2>/dev/null
    # PKCS#8 keys (what Java's TLS reads)
    openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj "/CN=${USER_NAME}" 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
      -extfile client.ext -out client.pem 2>/dev/null
    rm -f ./*.csr ./*.ext ./*.srl
  )
}

create_tables() {
  local sock="$1" t sql="CREATE DATABASE IF NOT EXISTS vt_${KEYSPACE}_0;"
  for t in "${TABLES[@]}"; do
    sql+=" CREATE TABLE IF NOT EXISTS vt_${KEYSPACE}_0.${t} (id BIGINT PRIMARY KEY, v VARCHAR(64));"
  done
  mysql_client -S "${sock}" -uvt_dba -N -B -e "${sql}"
}

start_vtgate() {
  local vtroot="$1" sock="$2" mysql_version="$3"
  printf '[{"Username": "%s", "Password": "%s"}]\n' "${USER_NAME}" "${PASSWORD}" >"${DATA_DIR}/grpc_auth.json"
  local -a cmd=(
    "${vtroot}/bin/vtcombo" --port "${VTGATE_HTTP_PORT}" --bind-address 127.0.0.1
    --grpc-port "${VTGATE_GRPC_PORT}" --grpc-bind-address 127.0.0.1
    --grpc-cert "${CERT_DIR}/server.pem" --grpc-key "${CERT_DIR}/server.key"
    --grpc-ca "${CERT_DIR}/ca.pem"
    --grpc-auth-mode static --grpc-auth-static-password-file "${DATA_DIR}/grpc_auth.json"
    --db-charset utf8mb4 --db-app-user vt_dba --db-dba-user vt_dba
    --proto-topo "keyspaces:{name:\"${KEYSPACE}\" shards:{name:\"0\"} replica_count:1} cells:\"test\""
    --mycnf-server-id 1 --mycnf-socket-file "${sock}" --db-socket "${sock}"
    --tablet-hostname 127.0.0.1 --gateway-initial-tablet-timeout 2s
    --queryserver-config-pool-size 2 --queryserver-config-stream-pool-size 4
    --queryserver-config-transaction-cap 4 --queryserver-config-schema-reload-time 5s
    --service-map grpc-vtgateservice
    --mysql-server-version "${mysql_version}-Vitess"
    --mysql-server-port "${VTGATE_MYSQL_PORT}" --mysql-server-bind-address 127.0.0.1
    --mysql-server-ssl-cert "${CERT_DIR}/server.pem" --mysql-server-ssl-key "${CERT_DIR}/server.key"
    --mysql-server-require-secure-transport
    # vtcombo has no static MySQL auth (only vtgate has): the MySQL side takes any password
    --mysql-auth-server-impl none
  )
  log "starting the secure VTGate (gRPC TLS+mTLS+static auth 127.0.0.1:${VTGATE_GRPC_PORT}, MySQL TLS 127.0.0.1:${VTGATE_MYSQL_PORT})"
  start_detached "${DATA_DIR}" "${VTGATE_PID}" "${cmd[@]}" </dev/null >>"${LOG_DIR}/vtgate.log" 2>&1 &
  disown || true
}

write_nginx_conf() {
  openssl passwd -apr1 "${PASSWORD}" | sed "s/^/${USER_NAME}:/" >"${DATA_DIR}/htpasswd"
  mkdir -p "${DATA_DIR}/nginx-tmp"
  cat >"${NGINX_CONF}" <<EOF
daemon off;
worker_processes 1;
pid ${NGINX_PID};
error_log ${LOG_DIR}/nginx-error.log info;
events { worker_connections 256; }
http {
  access_log ${LOG_DIR}/nginx-access.log;
  client_body_temp_path ${DATA_DIR}/nginx-tmp/body;
  proxy_temp_path ${DATA_DIR}/nginx-tmp/proxy;
  fastcgi_temp_path ${DATA_DIR}/nginx-tmp/fastcgi;
  uwsgi_temp_path ${DATA_DIR}/nginx-tmp/uwsgi;
  scgi_temp_path ${DATA_DIR}/nginx-tmp/scgi;
  server {
    listen 127.0.0.1:${NGINX_PORT} ssl http2;
    ssl_certificate ${CERT_DIR}/server.pem;
    ssl_certificate_key ${CERT_DIR}/server.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    auth_basic "vstream";
    auth_basic_user_file ${DATA_DIR}/htpasswd;
    # idle shards send nothing for minutes: keep their streams open
    client_body_timeout 1d;
    grpc_read_timeout 1d;
    grpc_send_timeout 1d;
    location / {
      grpc_pass grpcs://127.0.0.1:${VTGATE_GRPC_PORT};
      grpc_ssl_certificate ${CERT_DIR}/client.pem;
      grpc_ssl_certificate_key ${CERT_DIR}/client.key;
      grpc_ssl_trusted_certificate ${CERT_DIR}/ca.pem;
      grpc_ssl_verify on;
      grpc_ssl_name localhost;
      # the edge authenticated the caller; VTGate gets the edge's own static credentials
      grpc_set_header username "${USER_NAME}";
      grpc_set_header password "${PASSWORD}";
      grpc_set_header Authorization "";
    }
  }
}
EOF
}

start_nginx() {
  log "starting nginx (TLS + Basic auth, gRPC 127.0.0.1:${NGINX_PORT} -> VTGate ${VTGATE_GRPC_PORT})"
  # (nginx writes its pid file itself)
  start_detached "${DATA_DIR}" "" /usr/sbin/nginx -p "${DATA_DIR}" -e "${LOG_DIR}/nginx-error.log" -c "${NGINX_CONF}" \
    </dev/null >>"${LOG_DIR}/nginx.log" 2>&1 &
  disown || true
}

stop_all() {
  stop_pid_file nginx "${NGINX_PID}"
  stop_pid_file vtgate "${VTGATE_PID}"
}

cmd_up() {
  local t0=${SECONDS}
  ensure_packages
  local vitess_env
  vitess_env="$(bash "${VITESS_SH}" up)" || die "vitess.sh up failed"
  local install_env
  install_env="$(bash "${VITESS_SH}" install)" || die "vitess.sh install failed"
  local VITESS_DATA_DIR="" VTROOT="" MYSQL_VERSION=""
  eval "$(grep -E '^(VITESS_DATA_DIR|MYSQL_VERSION)=' <<<"${vitess_env}")"
  eval "$(grep -E '^VTROOT=' <<<"${install_env}")"
  local sock="${VITESS_DATA_DIR}/vttest/vt_0000000001/mysql.sock"
  [[ -S ${sock} ]] || die "no mysqld socket at ${sock}"
  take_lock "${LOCK_FILE}"
  if healthy; then
    log "secure endpoints already running"
    write_env "${ENV_FILE}" "$(env_lines)"
    return 0
  fi
  stop_all
  require_free_ports "set SECURE_BASE_PORT to use others" \
    "${NGINX_PORT}" "${VTGATE_HTTP_PORT}" "${VTGATE_GRPC_PORT}" "${VTGATE_MYSQL_PORT}"
  rm -rf "${DATA_DIR}"
  mkdir -p "${DATA_DIR}" "${LOG_DIR}"
  make_certs
  write_nginx_conf
  chown_run_user "${DATA_DIR}"
  chmod 755 "${DATA_DIR}" "${CERT_DIR}"
  chmod 644 "${CERT_DIR}"/*
  create_tables "${sock}" || die "could not create the tables in vt_${KEYSPACE}_0"
  start_vtgate "${VTROOT}" "${sock}" "${MYSQL_VERSION}"
  start_nginx
  local deadline=$((SECONDS + START_TIMEOUT)) started=${SECONDS}
  until healthy; do
    # (pid files appear within a moment of the start)
    if ((SECONDS >= deadline)) || { ((SECONDS > started + 5)) &&
      ! { owned_pid "${VTGATE_PID}" >/dev/null && owned_pid "${NGINX_PID}" >/dev/null; }; }; then
      show_log_tail "${LOG_DIR}/vtgate.log" 30
      show_log_tail "${LOG_DIR}/nginx-error.log" 30
      stop_all
      die "the secure endpoints did not come up within ${START_TIMEOUT}s"
    fi
    sleep 1
  done
  write_env "${ENV_FILE}" "$(env_lines)"
  log "secure endpoints are up ($((SECONDS - t0))s)"
}

cmd_down() {
  take_lock "${LOCK_FILE}"
  [[ -e ${DATA_DIR} ]] || { log "nothing running in ${DATA_DIR}"; return 0; }
  stop_all
  # our database in vitess.sh's mysqld, if that still runs
  local vitess_env sock VITESS_DATA_DIR=""
  if vitess_env="$(bash "${VITESS_SH}" status 2>/dev/null)"; then
    eval "$(grep -E '^VITESS_DATA_DIR=' <<<"${vitess_env}")"
    sock="${VITESS_DATA_DIR}/vttest/vt_0000000001/mysql.sock"
    if [[ -S ${sock} ]]; then
      mysql_client -S "${sock}" -uvt_dba -e "DROP DATABASE IF EXISTS vt_${KEYSPACE}_0" >&2 || true
    fi
  fi
  rm -rf "${DATA_DIR}"
  log "secure endpoints stopped, ${DATA_DIR} removed"
}

cmd_status() {
  if [[ -d ${DATA_DIR} ]] && healthy; then
    env_lines
    return 0
  fi
  log "the secure endpoints are not running (or not healthy) in ${DATA_DIR}"
  return 1
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac
