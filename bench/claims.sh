#!/usr/bin/env bash
# Claims per second of the job queue (claim + complete of a no-op job) on the embedded PostgreSQL with fsync on, at
# 1k, 10k and 100k queued jobs over 100 users and 1, 4 and 16 worker threads, in a JVM of its own; after an untimed
# warm-up (3 passes over every row's kind of claim at 2,000 queued; -Dbench.warm-up-passes=N), medians of 3
# interleaved rounds. Prints "BENCH ..." lines and the claim's EXPLAIN ANALYZE at each depth ("PLAN ..."). See
# docs/benchmarks.md.
#
#   bench/claims.sh
#   BENCH_JVM_OPTS="-Xmx1g" bench/claims.sh   # JVM options (default -Xmx1g)
#   BENCH_JVM_OPTS="-Xmx1g -Dbench.depths=10000 -Dbench.threads=4 -Dbench.batch-images=4 -Dbench.rounds=1" \
#     bench/claims.sh                         # a few rows only; -Dbench.synchronous-commit=off: without flushes;
#                                             # -Dbench.users=1000: the queue spread over 1,000 users (default 100)
set -euo pipefail
cd "$(dirname "$0")/.."
# offline first; online when this machine's ~/.m2 lacks something (a fresh clone)
cp_args=(test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath)
mvn -q -o "${cp_args[@]}" >/dev/null 2>&1 || mvn -q "${cp_args[@]}"
# shellcheck disable=SC2086 # BENCH_JVM_OPTS is a list of options
java ${BENCH_JVM_OPTS:--Xmx1g} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.unclipstudio.job.ClaimBenchmark
