#!/usr/bin/env bash
# The reliability drill: two packaged studios on one real, external PostgreSQL (Debian's `postgresql`, started here
# in a temporary folder), a few hundred jobs from several users through the JSON API, then the faults an operator
# meets — one instance killed with SIGKILL and started again, PostgreSQL restarted under load, a worker paused and
# resumed from the admin console — and at the end the queue's promises checked in SQL:
#   every accepted job is in the database once (a submission sent again after a lost answer carries the same
#   Idempotency-Key, so it is never made twice), every job ended SUCCEEDED or explicitly FAILED/CANCELLED,
#   every SUCCEEDED job has exactly the images it asked for (one set: no index twice, no extra image),
#   FAILED and CANCELLED jobs have none, a paused instance claimed nothing while paused.
# Everything listens on 127.0.0.1 only; the drill stops by itself (a deadline on every wait and on the whole run),
# stops what it started and removes its database. Logs stay in target/drill/.
#
#   bench/drill.sh            # the full drill (6 users x 50 jobs); writes its figures to docs/reliability.md
#   bench/drill.sh --short    # the CI version (4 users x 15 jobs, fewer steps); figures in target/drill/figures.md
#
# Needs Java 17+, Maven (builds target/quarkus-app if missing), curl, python3 (free ports), and PostgreSQL's server
# binaries (/usr/lib/postgresql/*/bin; as root the drill installs Debian's `postgresql` when they are missing and
# runs the server as `nobody`). See docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

MODE=full
WRITE_DOCS=1
for arg in "$@"; do
  case "$arg" in
    --short) MODE=short; WRITE_DOCS=0 ;;
    --no-docs) WRITE_DOCS=0 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "drill: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done

if [ "$MODE" = short ]; then
  USERS=4; JOBS_PER_USER=15; STEPS='"priorSteps": 10, "decoderSteps": 10,'; LIMIT_S=420
else
  USERS=6; JOBS_PER_USER=50; STEPS=''; LIMIT_S=1200
fi
TOTAL=$((USERS * JOBS_PER_USER))
OUT="$ROOT/target/drill"
START=$(date +%s)
DEADLINE=$((START + LIMIT_S))
# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_init drill
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)

pg_create
# one worker thread each; a lease of 6 s so that a rescue takes seconds
drill_studio() { # name
  studio_start "$1" -Xmx512m -Dstudio.worker.intra-op-threads=1 \
    -Dstudio.queue.lease=6s -Dstudio.queue.reaper-interval=1s -Dstudio.queue.retry-backoff=1s
}
drill_studio drill-a
drill_studio drill-b
both_ready() { ready drill-a && ready drill-b; }
await "both studios ready" 180 both_ready
# The run's own limit counts from here: a loaded machine may take minutes just to start the JVMs.
DEADLINE=$(($(date +%s) + LIMIT_S))
log "two studios: drill-a on :${HTTP[drill-a]}, drill-b on :${HTTP[drill-b]} (management :${MGMT[drill-a]}, :${MGMT[drill-b]})"

make_users "$USERS"

# --- submitters: one per user, through the API of whichever instance answers ----------------------------------------
# Each job is submitted until it is accepted (202): over a limit (429) or with the database away (503) the submitter
# waits and sends it again; a refused connection (an instance killed) goes to the other instance. Every send of a
# job carries the job's own Idempotency-Key, so a resend whose first answer was lost gets the job the first send
# queued. Every 10th accepted job is cancelled at once.
submitter() { # user
  local u=$1 token="ucs_bench_token_$1" j images body code id target=drill-a
  [ $((u % 2)) = 0 ] && target=drill-b
  for j in $(seq 1 "$JOBS_PER_USER"); do
    images=$((1 + (u + j) % 3))
    body="{\"prompt\": \"drill $u-$j a red circle\", \"images\": $images, $STEPS \"seed\": $((u * 1000 + j))}"
    while :; do
      [ "$(date +%s)" -ge "$DEADLINE" ] && return 1
      code=$(curl -s -o "$OUT/sub-$u.body" -w '%{http_code}' -m 30 -X POST \
        -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -H "Idempotency-Key: drill-$u-$j" \
        --data "$body" "http://127.0.0.1:${HTTP[$target]}/api/v1/jobs" || true)
      echo "$code" >>"$OUT/sub-$u.codes"
      # an answer lost (000: the instance died mid-request) or a 503 may come after the job was written: the drill
      # counts the sends after such an answer (the Idempotency-Key makes them safe)
      case "$code" in
        000|5??) echo "drill $u-$j a red circle" >>"$OUT/sub-$u.ambiguous" ;;
      esac
      case "$code" in
        202) break ;;
        429|503) sleep 1 ;;
        000) if [ "$target" = drill-a ]; then target=drill-b; else target=drill-a; fi; sleep 0.2 ;;
        *) echo "unexpected $code: $(cat "$OUT/sub-$u.body")" >>"$OUT/sub-$u.errors"; sleep 1 ;;
      esac
    done
    id=$(grep -o '"id":[0-9]*' "$OUT/sub-$u.body" | head -1 | cut -d: -f2 || true)
    echo "$id" >>"$OUT/sub-$u.accepted"
    if [ $((j % 10)) = 0 ]; then
      curl -s -o /dev/null -m 30 -X POST -H "Authorization: Bearer $token" \
        "http://127.0.0.1:${HTTP[$target]}/api/v1/jobs/$id/cancel" && echo "$id" >>"$OUT/sub-$u.cancelled" || true
    fi
  done
  touch "$OUT/sub-$u.done"
}
SUBMIT_START=$(date +%s)
for u in $(seq 1 "$USERS"); do submitter "$u" & PIDS+=($!); done
log "submitting $TOTAL jobs from $USERS users"

succeeded() { sql "SELECT count(*) FROM job WHERE status = 'SUCCEEDED'"; }
# the faults come while the queue is busy, spread over the run: after this share of the jobs succeeded
at_share() { [ "$(succeeded)" -ge $((TOTAL * $1 / 100)) ]; }

# --- fault 1: SIGKILL an instance in the middle of a job, start it again --------------------------------------------
await "15 % of the jobs succeeded" 600 at_share 15
# the job is caught with the instance frozen (SIGSTOP), so that it cannot finish between the look and the kill
CAUGHT=""
while [ -z "$CAUGHT" ]; do
  await "drill-a running a job past its first step" 300 \
    count_is "job WHERE status = 'RUNNING' AND step > 0 AND lease_owner LIKE 'drill-a/%'" -ge 1
  kill -STOP "${PID[drill-a]}"
  CAUGHT=$(sql "SELECT string_agg(id || ' ' || quote_literal(lease_token::text), ',') FROM job
    WHERE status = 'RUNNING' AND lease_owner LIKE 'drill-a/%'")
  [ -n "$CAUGHT" ] || kill -CONT "${PID[drill-a]}"
done
kill -9 "${PID[drill-a]}"
KILLED_JOBS=$(echo "$CAUGHT" | tr ',' '\n' | cut -d' ' -f1 | paste -sd,)
KILLED_LEASES=$(echo "$CAUGHT" | tr ',' '\n' | cut -d' ' -f2 | paste -sd,)
gone() { ! kill -0 "${PID[drill-a]}" 2>/dev/null; }
await "drill-a gone" 10 gone
log "killed drill-a (SIGKILL) while it ran job $KILLED_JOBS; $(succeeded) succeeded so far"
drill_studio drill-a
await "drill-a ready again" 180 ready drill-a
# the dead worker's lease expires and the reaper gives its job to whoever claims it next
await "the killed instance's job rescued" 120 count_is "job WHERE lease_token::text IN ($KILLED_LEASES)" = 0
log "drill-a is back; job $KILLED_JOBS was rescued"

# --- fault 2: restart PostgreSQL under load -------------------------------------------------------------------------
await "40 % of the jobs succeeded" 600 at_share 40
await "a job running before the database restart" 120 count_is "job WHERE status = 'RUNNING'" -ge 1
BEFORE_RESTART=$(succeeded)
pg_stop
neither_ready() { ! ready drill-a && ! ready drill-b; }
await "the studios notice the database is away" 60 neither_ready
pg_start
await "both studios ready after the database restart" 120 both_ready
more_succeeded() { [ "$(succeeded)" -gt "$BEFORE_RESTART" ]; }
await "jobs succeeding again after the restart" 120 more_succeeded
log "PostgreSQL restarted under load; $(succeeded) succeeded so far"

# --- fault 3: pause drill-b's workers from the admin console, resume them ------------------------------------------
await "60 % of the jobs succeeded" 600 at_share 60
COOKIES="$OUT/admin.cookies"
ADMIN="http://127.0.0.1:${HTTP[drill-a]}"
csrf() { grep -o 'name="csrf-token" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }
token=$(curl -s -c "$COOKIES" -b "$COOKIES" "$ADMIN/login" | csrf)
curl -s -o /dev/null -c "$COOKIES" -b "$COOKIES" --data-urlencode "csrf-token=$token" \
  --data-urlencode username=admin --data-urlencode "password=$ADMIN_PASSWORD" "$ADMIN/login"
admin_command() { # instance command
  local t
  t=$(curl -s -c "$COOKIES" -b "$COOKIES" "$ADMIN/admin/workers" | csrf)
  [ -n "$t" ] || die "the admin console did not open (sign-in failed?)"
  [ "$(curl -s -o /dev/null -w '%{http_code}' -c "$COOKIES" -b "$COOKIES" --data-urlencode "csrf-token=$t" \
    "$ADMIN/admin/workers/$1/$2")" = 303 ] || die "admin $2 of $1 was refused"
}
done_by() { sql "SELECT sum(jobs_done + jobs_failed) FROM worker WHERE instance = '$1'"; }
admin_command drill-b pause
# paused: claims nothing new; the job it was running (if any) finishes first
await "drill-b paused, its last job finished" 120 \
  count_is "worker WHERE instance = 'drill-b' AND (state <> 'PAUSED' OR current_job_id IS NOT NULL)" = 0
B_DONE=$(done_by drill-b)
A_DONE=$(done_by drill-a)
a_worked_alone() { [ "$(done_by drill-a)" -ge $((A_DONE + 3)) ] || count_is "job WHERE status IN ('QUEUED', 'RUNNING')" = 0; }
await "drill-a working alone" 180 a_worked_alone
B_RUNNING=$(sql "SELECT count(*) FROM job WHERE status = 'RUNNING' AND lease_owner LIKE 'drill-b/%'")
B_AFTER=$(done_by drill-b)
[ "$B_RUNNING" = 0 ] && [ "$B_AFTER" = "$B_DONE" ] || die "paused drill-b ran work ($B_RUNNING running, $B_DONE -> $B_AFTER done)"
admin_command drill-b resume
await "drill-b running again" 120 count_is "worker WHERE instance = 'drill-b' AND state <> 'RUNNING'" = 0
log "paused drill-b from the console (it claimed nothing while drill-a finished $(( $(done_by drill-a) - A_DONE )) jobs), resumed it"

# --- the end: every submission accepted, the queue empty ------------------------------------------------------------
all_submitted() { [ "$(find "$OUT" -name 'sub-*.done' | wc -l)" = "$USERS" ]; }
await "every job submitted" $((DEADLINE - $(date +%s))) all_submitted
await "the queue empty" $((DEADLINE - $(date +%s))) count_is "job WHERE status IN ('QUEUED', 'RUNNING')" = 0
END=$(date +%s)
log "queue empty after $((END - SUBMIT_START)) s"

# --- the invariants ---------------------------------------------------------------------------------------------------
ACCEPTED=$(cat "$OUT"/sub-*.accepted | sort -u | wc -l)
ACCEPTED_LINES=$(cat "$OUT"/sub-*.accepted | wc -l)
JOBS=$(sql "SELECT count(*) FROM job")
DISTINCT_JOBS=$(sql "SELECT count(DISTINCT prompt) FROM job")
TWICE=$((JOBS - DISTINCT_JOBS))
AMBIGUOUS=$(find "$OUT" -name 'sub-*.ambiguous' -exec cat {} + | wc -l)
FAILURE_REASONS=$(sql "SELECT coalesce(string_agg(DISTINCT error, '; '), '') FROM job WHERE status = 'FAILED'")
UNFINISHED=$(sql "SELECT count(*) FROM job WHERE status NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED')")
WRONG_COUNT=$(sql "SELECT count(*) FROM job j WHERE j.status = 'SUCCEEDED'
  AND (SELECT count(*) FROM image i WHERE i.job_id = j.id) <> j.image_count")
TWO_SETS=$(sql "SELECT count(*) FROM (SELECT job_id FROM image GROUP BY job_id
  HAVING count(*) <> count(DISTINCT index_in_job) OR max(index_in_job) >= count(*)) t")
ENDED_WITH_IMAGES=$(sql "SELECT count(*) FROM job j WHERE j.status IN ('FAILED', 'CANCELLED')
  AND EXISTS (SELECT 1 FROM image i WHERE i.job_id = j.id)")
NO_BYTES=$(sql "SELECT count(*) FROM image i WHERE NOT EXISTS (SELECT 1 FROM image_data d WHERE d.image_id = i.id)")
SUCCEEDED=$(succeeded)
FAILED=$(sql "SELECT count(*) FROM job WHERE status = 'FAILED'")
CANCELLED=$(sql "SELECT count(*) FROM job WHERE status = 'CANCELLED'")
IMAGES=$(sql "SELECT count(*) FROM image")
REQUESTED=$(sql "SELECT coalesce(sum(image_count), 0) FROM job WHERE status = 'SUCCEEDED'")
RESCUED_JOBS=$(sql "SELECT count(*) FROM job WHERE attempts > 1")
RETRIES=$(sql "SELECT coalesce(sum(attempts - 1), 0) FROM job WHERE attempts > 1")
RESCUES=$(cat "$OUT"/drill-*.log | { grep -o 'Rescued [0-9]* job' || true; } | awk '{s += $2} END {print s + 0}')
CODES=$(cat "$OUT"/sub-*.codes | sort | uniq -c | awk '{printf "%s%s× %s", sep, $1, $2; sep=", "}')
UNEXPECTED=$(find "$OUT" -name 'sub-*.errors' -exec cat {} + | wc -l)
WAIT_P50=$(sql "SELECT round(extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY started_at - created_at))::numeric, 2)
  FROM job WHERE status = 'SUCCEEDED'")

failures=()
[ "$ACCEPTED" = "$TOTAL" ] && [ "$ACCEPTED_LINES" = "$TOTAL" ] || failures+=("accepted $ACCEPTED distinct of $ACCEPTED_LINES, expected $TOTAL")
[ "$DISTINCT_JOBS" = "$TOTAL" ] || failures+=("$DISTINCT_JOBS distinct jobs in the database for $TOTAL submitted")
[ "$TWICE" = 0 ] || failures+=("$TWICE jobs made twice although every resend carried its Idempotency-Key")
[ "$UNFINISHED" = 0 ] || failures+=("$UNFINISHED jobs neither succeeded nor explicitly failed or cancelled")
[ "$WRONG_COUNT" = 0 ] || failures+=("$WRONG_COUNT succeeded jobs without exactly their requested images")
[ "$TWO_SETS" = 0 ] || failures+=("$TWO_SETS jobs with two image sets")
[ "$ENDED_WITH_IMAGES" = 0 ] || failures+=("$ENDED_WITH_IMAGES failed or cancelled jobs with images")
[ "$NO_BYTES" = 0 ] || failures+=("$NO_BYTES images without their PNG")
[ "$IMAGES" = "$REQUESTED" ] || failures+=("$IMAGES images for $REQUESTED requested")
[ "$UNEXPECTED" = 0 ] || failures+=("$UNEXPECTED unexpected API answers (target/drill/sub-*.errors)")
[ "$(sql "SELECT min(attempts) FROM job WHERE id IN ($KILLED_JOBS)")" -ge 2 ] \
  || failures+=("the killed instance's job $KILLED_JOBS was not run again")

FIGURES="$OUT/figures.md"
cat >"$FIGURES" <<EOF
Run of \`bench/drill.sh$([ "$MODE" = short ] && echo ' --short')\` on $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs (load average at the start $LOAD_AT_START, the machine shared), PostgreSQL $PG_VERSION, two instances (one worker thread each, \`intra-op-threads=1\`, lease 6 s):

| figure | value |
|---|---|
| jobs submitted and accepted (API, $USERS users) | $TOTAL |
| jobs in the database (made twice) | $JOBS ($TWICE, with $AMBIGUOUS sends after a 000/5xx answer, each with its Idempotency-Key) |
| SUCCEEDED / FAILED / CANCELLED | $SUCCEEDED / $FAILED / $CANCELLED |
| why jobs FAILED | ${FAILURE_REASONS:-none failed} |
| images (= requested by the succeeded jobs) | $IMAGES (= $REQUESTED) |
| time, first submission to empty queue | $((END - SUBMIT_START)) s (whole drill $((END - START)) s) |
| jobs rescued after their worker died (reaper) | $RESCUED_JOBS jobs ($RESCUES rescues logged) |
| retries (attempts beyond the first) | $RETRIES |
| jobs left unfinished, with a wrong image count, with two image sets | $UNFINISHED, $WRONG_COUNT, $TWO_SETS |
| API answers to submissions (429: over the per-user cap, sent again) | $CODES |
| unexpected API answers (not 202, 429, 503, or none) | $UNEXPECTED |
| queue wait, median of succeeded jobs | $WAIT_P50 s |
EOF
cat "$FIGURES"

if [ "${#failures[@]}" -gt 0 ]; then
  printf 'drill: broken promise: %s\n' "${failures[@]}"
  exit 1
fi
if [ "$WRITE_DOCS" = 1 ]; then
  python3 - "$FIGURES" docs/reliability.md <<'EOF'
import re, sys
figures = open(sys.argv[1]).read().strip()
doc = open(sys.argv[2]).read()
doc = re.sub(r"(<!-- drill:begin -->\n).*?(\n<!-- drill:end -->)", lambda m: m.group(1) + figures + m.group(2), doc, flags=re.S)
open(sys.argv[2], "w").write(doc)
EOF
  log "figures written to docs/reliability.md"
fi
log "every promise held ($((END - START)) s)"
