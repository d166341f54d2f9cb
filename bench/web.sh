#!/usr/bin/env bash
# Latency of the pages people read most, at gallery sizes of 10,000 and 100,000 images, from 50 connections: gallery
# first page, prompt search, deep gallery page, image page, PNG. One packaged studio as bin/studio starts it
# (bin/memory-options, MALLOC_ARENA_MAX=2) on a real PostgreSQL (Debian's, in a temporary folder), the tiny pack.
# The images are copies of one real image made by the studio (its PNG and thumbnail), half of them shared, six
# prompts in turn. Load from wrk (Debian's package; C, so the client takes little of the 2 cores): first
# WARMUP_SECONDS (30) on every route for the JIT, then one route class at a time, 30 s each after 5 s of warm-up, in rounds that repeat the route classes in turn; the table gives the median
# over the rounds of wrk's p50 and p99 and every round's p99. Before the load, submit-to-start: STARTS jobs through the
# API, one at a time, each meeting an idle worker. See docs/benchmarks.md ("Pages at 50 connections").
#
#   bench/web.sh                           # 10,000 then 100,000 images, 3 rounds
#   SIZES=100000 ROUNDS=1 SECONDS_EACH=10 bench/web.sh   # shorter
#   CLASSES="search" bench/web.sh          # some route classes only
#   CLASSES="search q:zebra q:circle%20-red" bench/web.sh   # q:WORDS: one search query alone (URL-encoded)
#   CLASSES="search best q:circle&sort=best" bench/web.sh   # best: the search's words in best-match order
#   STARTS=0 bench/web.sh                  # skip the submit-to-start measurement (STARTS jobs, default 20)
#   STUDIO_JAR=/tmp/app-A/quarkus-run.jar bench/web.sh   # another build (A/B); STUDIO_OPTS: more JVM options
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/target/web"
SIZES=${SIZES:-10000 100000}
ROUNDS=${ROUNDS:-3}
SECONDS_EACH=${SECONDS_EACH:-30}
CONNECTIONS=${CONNECTIONS:-50}
WARMUP_SECONDS=${WARMUP_SECONDS:-30} # per route, once, before the first size's rounds
CLASSES=${CLASSES:-gallery search deep image png} # the route classes to measure, in turn
STARTS=${STARTS:-20} # jobs submitted one at a time to an idle worker, for submit-to-start
DEADLINE=$(( $(date +%s) + 3600 ))
# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_init web

if ! command -v wrk >/dev/null; then
  [ "$(id -u)" = 0 ] || die "wrk is missing: apt-get install wrk"
  log "installing Debian's wrk"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

pg_create
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
# shellcheck disable=SC2046 # a list of options, one word per line
studio_start web $(launcher_options)
await "the studio ready" 300 ready web
BASE="http://127.0.0.1:${HTTP[web]}"

# one real image, made by the studio; its row and bytes are the template of every other
make_users 1
curl -s -o /dev/null -f -X POST -H "Authorization: Bearer ucs_bench_token_1" -H 'Content-Type: application/json' \
  --data '{"prompt": "a red circle at the top", "images": 1, "seed": 1}' "$BASE/api/v1/jobs" || die "the job was refused"
await "the template image" 300 count_is "image_data" -ge 1
# submit to start: jobs sent one at a time through the API to the idle worker, each awaited before the next, so
# that every one meets an empty queue; the database's created_at (the submission's transaction) to started_at (the
# claim's update)
for n in $(seq 1 "$STARTS"); do
  curl -s -o /dev/null -f -X POST -H "Authorization: Bearer ucs_bench_token_1" -H 'Content-Type: application/json' \
    --data "{\"prompt\": \"a blue square\", \"images\": 1, \"seed\": $((n + 1))}" "$BASE/api/v1/jobs" ||
    die "job $n was refused"
  await "job $n done" 120 count_is "job WHERE status = 'SUCCEEDED'" -ge $((n + 1))
done
if [ "$STARTS" -gt 0 ]; then
  STARTS_LINE=$(sql "SELECT format('%s jobs, submit to start p50 %s ms, max %s ms', count(*),
      round((percentile_cont(0.5) WITHIN GROUP (ORDER BY w))::numeric, 1), round(max(w)::numeric, 1))
    FROM (SELECT extract(epoch FROM started_at - created_at) * 1000 AS w FROM job
          WHERE status = 'SUCCEEDED' ORDER BY id OFFSET 1) s")
  log "$STARTS_LINE"
fi
sql "INSERT INTO user_session (token_hash, user_id)
     SELECT encode(sha256(convert_to('bench-session', 'UTF8')), 'hex'), id FROM app_user WHERE username = 'bench1'"

fill_to() { # total images
  sql "INSERT INTO image (job_id, owner_id, index_in_job, visibility, seed, width, height, prompt, params, created_at)
       SELECT t.job_id, t.owner_id, g, CASE WHEN g % 2 = 0 THEN 'SHARED' ELSE 'PRIVATE' END, g, t.width, t.height,
              (ARRAY['a red circle at the top', 'a blue square', 'two green triangles', 'a yellow star in the night sky',
                     'portrait of a cat wearing a hat', 'mountains at sunset, oil painting'])[1 + g % 6] || ' #' || g,
              t.params, now()
       FROM (SELECT * FROM image ORDER BY id LIMIT 1) t,
            generate_series((SELECT max(index_in_job) + 1 FROM image), $1 - 1) g"
  sql "INSERT INTO image_data (image_id, png, thumbnail)
       SELECT i.id, t.png, t.thumbnail FROM image i, (SELECT png, thumbnail FROM image_data ORDER BY image_id LIMIT 1) t
       WHERE NOT EXISTS (SELECT 1 FROM image_data d WHERE d.image_id = i.id)"
  sql "VACUUM ANALYZE image"
  sql "VACUUM ANALYZE image_data"
}

# wrk picks a path per request from the route class's list (Lua), with the session cookie
script() { # class -> a wrk Lua script on stdout
  local ids
  ids=$(sql "SELECT string_agg(id::text, ',') FROM (SELECT id FROM image WHERE visibility = 'SHARED'
             ORDER BY random() LIMIT 2000) s")
  cat <<EOF
local ids = {$ids}
local words = {"red%20circle", "circle", "blue%20square", "%22red%20circle%22", "square%20or%20circle",
               "circle%20-red", "green", "zebra", "cats%20hats", "sunset%20painting"}
local class = "$1"
math.randomseed(42)
wrk.headers["Cookie"] = "studio_session=bench-session"
request = function()
  local path
  if class == "gallery" then path = "/gallery"
  elseif class == "search" then path = "/gallery?q=" .. words[math.random(#words)]
  elseif class == "best" then path = "/gallery?sort=best&q=" .. words[math.random(#words)]
  elseif class:sub(1, 2) == "q:" then path = "/gallery?q=" .. class:sub(3)
  elseif class == "deep" then path = "/gallery?before=" .. ids[math.random(#ids)]
  elseif class == "image" then path = "/images/" .. ids[math.random(#ids)]
  else path = "/images/" .. ids[math.random(#ids)] .. ".png" end
  return wrk.format("GET", path)
end
done = function(summary, latency, requests)
  io.write(string.format("WRK %s requests=%d errors=%d non2xx=%d p50=%.1f p99=%.1f max=%.1f\n", class,
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
EOF
}

RESULTS="$OUT/results.tsv"
printf 'images\tround\tclass\trequests\terrors\tnon2xx\tp50 ms\tp99 ms\tmax ms\n' >"$RESULTS"
for size in $SIZES; do
  log "filling the gallery to $size images"
  fill_to "$size"
  for class in $CLASSES; do script "$class" >"$OUT/$class.lua"; done
  if [ "$size" = "${SIZES%% *}" ]; then
    # the JIT: a fresh JVM on 2 cores keeps compiling for minutes; without this the first rows measure its warm-up
    log "warming up: ${WARMUP_SECONDS}s on each route"
    for class in $CLASSES; do
      wrk -t2 -c"$CONNECTIONS" -d"${WARMUP_SECONDS}s" -s "$OUT/$class.lua" "$BASE" >/dev/null
    done
  fi
  for round in $(seq 1 "$ROUNDS"); do
    for class in $CLASSES; do
      wrk -t2 -c"$CONNECTIONS" -d5s -s "$OUT/$class.lua" "$BASE" >/dev/null # warm-up
      line=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --timeout 10s -s "$OUT/$class.lua" "$BASE" | grep '^WRK')
      log "$size images, round $round: $line"
      echo "$line" | awk -v s="$size" -v r="$round" '{
        for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s, r, $2, v["requests"], v["errors"], v["non2xx"], v["p50"], v["p99"], v["max"]
      }' >>"$RESULTS"
    done
  done
done

HEAP=$(launcher_options | grep -- '^-Xmx' | tail -n 1) # the last one is the JVM's
{
  [ "$STARTS" -gt 0 ] && { echo "Idle worker, $STARTS_LINE."; echo; }
  echo "\`bench/web.sh\` (SIZES=\"$SIZES\", ROUNDS=$ROUNDS, SECONDS_EACH=$SECONDS_EACH, CONNECTIONS=$CONNECTIONS, WARMUP_SECONDS=$WARMUP_SECONDS) on $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average at the end $(cut -d' ' -f1-3 /proc/loadavg); heap $HEAP; PostgreSQL $PG_VERSION; peak RSS $(awk '$1 == "VmHWM:" {printf "%d MB", $2 / 1024}' "/proc/${PID[web]}/status")"
  echo
  echo "| images | route | requests/s | p50 ms (median) | p99 ms (median) | p99 ms of each round | errors, non-2xx |"
  echo "|---|---|---|---|---|---|---|"
  /usr/bin/python3 - "$RESULTS" "$SECONDS_EACH" <<'PY'
import collections, csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
groups = collections.OrderedDict()
for r in rows:
    groups.setdefault((r["images"], r["class"]), []).append(r)
for (images, cls), rs in groups.items():
    p99 = [float(r["p99 ms"]) for r in rs]
    print(f"| {int(images):,} | {cls} | {statistics.median(int(r['requests']) for r in rs) / float(sys.argv[2]):,.0f} "
          f"| {statistics.median(float(r['p50 ms']) for r in rs):.1f} | {statistics.median(p99):.1f} "
          f"| {', '.join(f'{p:.1f}' for p in p99)} | {sum(int(r['errors']) for r in rs)}, {sum(int(r['non2xx']) for r in rs)} |")
PY
} >"$OUT/figures.md"
cat "$OUT/figures.md"
