# Shared engines on this machine, for deploy/local-cluster and bench/run: a throwaway PostgreSQL cluster and an
# S3-compatible server (moto), each on a free port, in a folder of their own. Source this file, then:
#   engines_start <folder>   starts both, creates database "postcall" and bucket "postcall", exports
#                            POSTCALL_DATABASE_URL, POSTCALL_STORAGE_URL, AWS_ENDPOINT_URL and AWS keys
#   engines_psql [ARGS]      psql on database "postcall" (as its superuser)
#   engines_stop             stops both (safe to call twice)
# Installs what is missing (PostgreSQL server binaries, moto) with apt-get where it can.

engines_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

engines_install() {
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "installing the PostgreSQL server…" >&2
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
  fi
  if python3 -c 'import moto.server' 2>/dev/null; then
    ENGINES_PYTHON=python3
  elif /usr/bin/python3 -c 'import moto.server' 2>/dev/null; then
    ENGINES_PYTHON=/usr/bin/python3
  else
    echo "installing moto…" >&2
    if python3 -m pip install -q 'moto[server]' 2>/dev/null; then
      ENGINES_PYTHON=python3
    else
      $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-moto python3-flask python3-flask-cors >/dev/null
      ENGINES_PYTHON=/usr/bin/python3
    fi
  fi
}

engines_start() {
  ENGINES_DIR=$1
  engines_install
  local pgbin; pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  ENGINES_PG_BIN=$pgbin
  ENGINES_PG_PORT=$(engines_free_port)
  ENGINES_S3_PORT=$(engines_free_port)
  mkdir -p "$ENGINES_DIR"
  ENGINES_RUN=()
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$ENGINES_DIR"; ENGINES_RUN=(runuser -u postgres --); fi
  ENGINES_PG_CTL=("${ENGINES_RUN[@]}" "$pgbin/pg_ctl" -D "$ENGINES_DIR/data")
  "${ENGINES_RUN[@]}" "$pgbin/initdb" -D "$ENGINES_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 -N >/dev/null
  "${ENGINES_PG_CTL[@]}" -l "$ENGINES_DIR/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $ENGINES_PG_PORT -k $ENGINES_DIR -c max_connections=200" start >/dev/null
  "${ENGINES_RUN[@]}" "$pgbin/psql" -h 127.0.0.1 -p "$ENGINES_PG_PORT" -U postgres -qc 'CREATE DATABASE postcall;' >/dev/null

  "$ENGINES_PYTHON" -m moto.server -H 127.0.0.1 -p "$ENGINES_S3_PORT" >"$ENGINES_DIR/s3.log" 2>&1 &
  ENGINES_S3_PID=$!
  until curl -s -o /dev/null "http://127.0.0.1:$ENGINES_S3_PORT/"; do sleep 0.1; done
  curl -sf -X PUT "http://127.0.0.1:$ENGINES_S3_PORT/postcall" >/dev/null

  export POSTCALL_DATABASE_URL="postgres://postgres@127.0.0.1:$ENGINES_PG_PORT/postcall"
  export POSTCALL_STORAGE_URL="s3://postcall"
  export AWS_ENDPOINT_URL="http://127.0.0.1:$ENGINES_S3_PORT" AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1
}

engines_psql() { "${ENGINES_RUN[@]}" "$ENGINES_PG_BIN/psql" -h 127.0.0.1 -p "$ENGINES_PG_PORT" -U postgres -d postcall "$@"; }

engines_stop() {
  if [ -n "${ENGINES_S3_PID:-}" ]; then
    kill "$ENGINES_S3_PID" 2>/dev/null || true
    wait "$ENGINES_S3_PID" 2>/dev/null || true
    ENGINES_S3_PID=""
  fi
  if [ -n "${ENGINES_DIR:-}" ] && [ -f "$ENGINES_DIR/data/postmaster.pid" ]; then
    "${ENGINES_PG_CTL[@]}" -m fast -w stop >/dev/null 2>&1 || true
  fi
  return 0
}
