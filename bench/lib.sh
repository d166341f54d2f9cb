# Shared by bench/drill.sh and bench/memory.sh (sourced, not run): a throwaway PostgreSQL from Debian's server
# binaries, packaged studios on it, waits with deadlines, users with API tokens, and the clean-up of all of it.
# Everything listens on 127.0.0.1. The caller sets ROOT, OUT and DEADLINE (epoch seconds) and calls bench_init.

log() { printf '%s %s: %s\n' "$(date -u +%H:%M:%S)" "$BENCH_NAME" "$*"; }
die() { log "FAILED: $*"; exit 1; }

# Waits until a command succeeds: at most $2 seconds, and never past the deadline.
await() { # description seconds command...
  local what=$1 limit=$2 until=$(( $(date +%s) + $2 ))
  shift 2
  [ "$until" -gt "$DEADLINE" ] && until=$DEADLINE
  until "$@"; do
    [ "$(date +%s)" -ge "$until" ] && die "waited ${limit}s for: $what"
    sleep 0.5
  done
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- what was started, stopped on any exit ---------------------------------------------------------------------------
PIDS=()
PGDIR=""
bench_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do
    pkill -9 -P "$pid" 2>/dev/null || true # a background loop's curl
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ -n "$PGDIR" ] && [ -f "$PGDIR/data/postmaster.pid" ]; then
    pg_as "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  [ -n "$PGDIR" ] && rm -rf "$PGDIR"
  log "stopped everything it started (exit $rc); logs in ${OUT#"$ROOT"/}/"
  exit "$rc"
}

bench_init() { # name
  BENCH_NAME=$1
  rm -rf "$OUT" && mkdir -p "$OUT"
  trap bench_cleanup EXIT
  trap 'log "interrupted"; exit 130' INT TERM
}

# --- PostgreSQL ------------------------------------------------------------------------------------------------------
pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }

# Creates and starts a fresh cluster in a temporary folder, with a database "studio"; sets PGBIN, PGDIR, PGPORT.
pg_create() {
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$PGBIN" ]; then
    [ "$(id -u)" = 0 ] || die "PostgreSQL's server binaries are missing: apt-get install postgresql"
    log "installing Debian's postgresql"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  PGDIR=$(mktemp -d /tmp/studio-bench.XXXXXX)
  [ "$(id -u)" = 0 ] && chown nobody "$PGDIR"
  PGPORT=$(free_port)
  pg_as "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 >"$OUT/initdb.log"
  pg_start
  PSQL=(psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres)
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE studio"
  PG_VERSION=$("$PGBIN/postgres" --version | awk '{print $3}')
  log "PostgreSQL $PG_VERSION on 127.0.0.1:$PGPORT"
}
# PG_OPTIONS: more server options, e.g. "-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=2"
# to see the plans of slow statements in $PGDIR/postgres.log
pg_start() {
  pg_as "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDIR -c max_connections=100 ${PG_OPTIONS:-}" start >/dev/null
}
pg_stop() { pg_as "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null; }
sql() { "${PSQL[@]}" -d studio -c "$1"; }
# true when the SQL count of $1 compares with $3 by the test operator $2
count_is() { [ "$(sql "SELECT count(*) FROM $1")" "$2" "$3" ]; }

# --- the studios -----------------------------------------------------------------------------------------------------
JAR=${STUDIO_JAR:-target/quarkus-app/quarkus-run.jar} # STUDIO_JAR: another build, for an A/B run
ADMIN_PASSWORD="bench-$(date +%s)-admin"
declare -A HTTP MGMT PID
# The JVM options bin/studio would start a studio with, given STUDIO_OPTS as its JAVA_OPTS: bin/memory-options' heap
# and collector (a collector named in STUDIO_OPTS replaces its choice), then STUDIO_OPTS. One word per line.
launcher_options() {
  # shellcheck disable=SC2086 # lists of options
  printf '%s\n' $(JAVA_OPTS="${STUDIO_OPTS:-}" bin/memory-options) ${STUDIO_OPTS:-}
}
# Starts (or starts again, on the same ports) the packaged studio $1 on the database, with more JVM options after it.
# It runs from the repository's root, so it uses the default pack, models/tiny.
studio_start() { # name [option...]
  local name=$1
  shift
  if [ ! -f "$JAR" ]; then
    log "building the packaged app"
    # offline first (no network needed when ~/.m2 holds everything); a fresh clone on a machine with an
    # empty ~/.m2 has to download the build's dependencies once
    if ! mvn -B -q -o package -DskipTests >"$OUT/build-offline.log" 2>&1; then
      log "the offline build failed (see ${OUT#"$ROOT"/}/build-offline.log); building online"
      mvn -B -q package -DskipTests || die "could not build the packaged app"
    fi
  fi
  [ -n "${HTTP[$name]:-}" ] || { HTTP[$name]=$(free_port); MGMT[$name]=$(free_port); }
  java "$@" \
    -Dquarkus.datasource.jdbc.url="jdbc:postgresql://127.0.0.1:$PGPORT/studio" \
    -Dquarkus.datasource.username=postgres \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="${HTTP[$name]}" \
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="${MGMT[$name]}" \
    -Dstudio.accounts.admin-password="$ADMIN_PASSWORD" \
    -Dstudio.worker.instance-name="$name" \
    -jar "$JAR" >>"$OUT/$name.log" 2>&1 &
  PID[$name]=$!
  PIDS+=($!)
  disown "$!" # may be killed on purpose: no job-control message
}
ready() { # a studio that died stops the run at once
  kill -0 "${PID[$1]}" 2>/dev/null || die "$1 exited; see ${OUT#"$ROOT"/}/$1.log"
  [ "$(curl -s -o /dev/null -w '%{http_code}' -m 5 "http://127.0.0.1:${MGMT[$1]}/q/health/ready")" = 200 ]
}

# Users bench1..benchN, each with the API token ucs_bench_token_<n>: rows as the account page writes them (only the
# token's SHA-256 is stored).
make_users() { # count
  local u
  for u in $(seq 1 "$1"); do
    sql "INSERT INTO app_user (username, password_hash, role) VALUES ('bench$u', '!', 'USER')"
    sql "INSERT INTO api_token (user_id, name, token_hash)
         SELECT id, 'bench', encode(sha256(convert_to('ucs_bench_token_$u', 'UTF8')), 'hex')
         FROM app_user WHERE username = 'bench$u'"
  done
}
