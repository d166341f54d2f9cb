#!/usr/bin/env bash
# Resident memory of one packaged studio started as bin/studio starts it (bin/memory-options, MALLOC_ARENA_MAX=2),
# on a real PostgreSQL (Debian's, in a temporary folder), with the tiny pack: after start, during a soak of jobs
# through the JSON API (sampled every 100 jobs, to show growth), then under a web load of gallery pages, prompt
# searches, image pages and PNGs from 50 connections. Prints VmRSS and VmHWM (peak) of the JVM; figures in
# target/memory/figures.md. See docs/benchmarks.md ("Memory").
#
#   bench/memory.sh                                   # 1,000 one-to-four-image jobs, then 60 s of web load
#   JOBS=200 WEB_SECONDS=30 bench/memory.sh           # shorter
#   STUDIO_OPTS=-Dstudio.worker.memory-arena=false bench/memory.sh   # more JVM options (after bin/memory-options)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/target/memory"
JOBS=${JOBS:-1000}
WEB_SECONDS=${WEB_SECONDS:-60}
DEADLINE=$(( $(date +%s) + 3600 ))
# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_init memory

pg_create
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
# shellcheck disable=SC2046 # a list of options, one word per line
studio_start mem $(launcher_options) \
  -Dstudio.queue.max-active-per-user=100000 -Dstudio.queue.daily-image-quota=1000000 \
  -Dstudio.queue.max-queued=100000
await "the studio ready" 300 ready mem
rss() { awk -v k="$1:" '$1 == k {printf "%d", $2 / 1024}' "/proc/${PID[mem]}/status"; }
SAMPLES="$OUT/samples.tsv"
# the Java heap's committed size, every generation's "total" summed (G1 prints one line, the serial collector one
# per generation); committed is an upper bound of what the heap holds resident, the rest is native
heap_mb() {
  jcmd "${PID[mem]}" GC.heap_info 2>/dev/null \
    | awk '{for (i = 1; i < NF; i++) if ($i == "total") {v = $(i + 1); gsub(/[^0-9]/, "", v); kb += v}}
           END {printf "%d", kb / 1024}'
}
sample() { printf '%s\t%s\t%s\t%s\n' "$1" "$(rss VmRSS)" "$(rss VmHWM)" "$(heap_mb)" | tee -a "$SAMPLES"; }
printf 'moment\tVmRSS MB\tVmHWM MB\theap committed MB\n' | tee "$SAMPLES"
sample "started, idle"

# --- the soak: every job through the API, sampled every 100 finished ---------------------------------------------
make_users 4
API="http://127.0.0.1:${HTTP[mem]}/api/v1/jobs"
for j in $(seq 1 "$JOBS"); do
  u=$(( j % 4 + 1 ))
  curl -s -o /dev/null -f -X POST -H "Authorization: Bearer ucs_bench_token_$u" -H 'Content-Type: application/json' \
    --data "{\"prompt\": \"a red circle $j\", \"images\": $(( j % 4 + 1 )), \"seed\": $j}" "$API" \
    || die "job $j was refused"
done
log "$JOBS jobs queued"
START=$(date +%s)
for n in $(seq 100 100 "$JOBS"); do
  await "$n jobs done" 3000 count_is "job WHERE status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')" -ge "$n"
  sample "$n jobs done"
done
await "every job done" 3000 count_is "job WHERE status IN ('QUEUED', 'RUNNING')" = 0
SOAK_S=$(( $(date +%s) - START ))
FAILED=$(sql "SELECT count(*) FROM job WHERE status <> 'SUCCEEDED'")

# --- the web load: 50 connections on gallery pages, searches, image pages and PNGs --------------------------------
sql "UPDATE image SET visibility = 'SHARED'"
sql "INSERT INTO user_session (token_hash, user_id)
     SELECT encode(sha256(convert_to('bench-session', 'UTF8')), 'hex'), id FROM app_user WHERE username = 'bench1'"
IDS=$(sql "SELECT string_agg(id::text, ',') FROM image")
python3 - "http://127.0.0.1:${HTTP[mem]}" "$IDS" "$WEB_SECONDS" >"$OUT/web.txt" <<'EOF' &
import collections, random, sys, threading, time, urllib.error, urllib.request
base, ids, seconds = sys.argv[1], sys.argv[2].split(","), float(sys.argv[3])
words = ["red circle", "circle", "blue square", "\"red circle\"", "square or circle", "circle -red", "green"]
counts, lock, end = collections.Counter(), threading.Lock(), time.time() + seconds
def path():
    r = random.random()
    if r < 0.25: return "/gallery"
    if r < 0.5: return "/gallery?q=" + urllib.request.quote(random.choice(words))
    if r < 0.6: return "/gallery?before=" + random.choice(ids)
    if r < 0.8: return "/images/" + random.choice(ids)
    return "/images/" + random.choice(ids) + ".png"
def run():
    while time.time() < end:
        req = urllib.request.Request(base + path(), headers={"Cookie": "studio_session=bench-session"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                r.read(); code = r.status
        except urllib.error.HTTPError as e:
            code = e.code
        except Exception as e:
            code = type(e).__name__
        with lock: counts[code] += 1
threads = [threading.Thread(target=run) for _ in range(50)]
[t.start() for t in threads]; [t.join() for t in threads]
print(" ".join(f"{n}x {c}" for c, n in sorted(counts.items(), key=str)))
EOF
LOAD=$!
PIDS+=("$LOAD")
for s in $(seq 1 6); do
  await "web load running" 30 kill -0 "$LOAD"
  sleep "$(( WEB_SECONDS / 6 ))" # sample the load six times
  sample "web load, $((s * WEB_SECONDS / 6)) s"
done
wait "$LOAD" || true
sample "after the web load"

HEAP=$(launcher_options | grep -- '^-Xmx' | tail -n 1) # the last one is the JVM's
cat >"$OUT/figures.md" <<EOF
\`bench/memory.sh\` (JOBS=$JOBS, WEB_SECONDS=$WEB_SECONDS${STUDIO_OPTS:+, STUDIO_OPTS=$STUDIO_OPTS}) on $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(free -g | awk '/^Mem:/ {print $2}') GiB, load average at the end $(cut -d' ' -f1-3 /proc/loadavg); heap $HEAP, MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX; soak $SOAK_S s, $FAILED jobs not SUCCEEDED; web answers: $(cat "$OUT/web.txt")

| moment | VmRSS MB | VmHWM MB (peak) | heap committed MB |
|---|---|---|---|
$(tail -n +2 "$SAMPLES" | awk -F'\t' '{printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4}')
EOF
cat "$OUT/figures.md"
