#!/usr/bin/env bash
# Images/s (per wall-clock second and per CPU second) of one-image text-to-image jobs on the tiny pack (default
# steps) run one at a time and as engine batches of 2 and 4, the batch sizes taking turns in each round
# (studio.worker.batch-size; docs/benchmarks.md).
#
#   bench/batch.sh                          # 5 rounds, ONNX Runtime's default threads (all cores)
#   UNCLIP_BENCH_ROUNDS=3 UNCLIP_BENCH_THREADS=2 bench/batch.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# offline first; online when this machine's ~/.m2 lacks something (a fresh clone)
cp_args=(test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath)
mvn -q -o "${cp_args[@]}" >/dev/null 2>&1 || mvn -q "${cp_args[@]}"
# shellcheck disable=SC2086 # BENCH_JVM_OPTS is a list of options
java ${BENCH_JVM_OPTS:--Xmx3g} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.unclipstudio.bench.BatchBenchmark 2>&1 | grep '^BENCH' || {
  echo "benchmark failed; run dev.unclipstudio.bench.BatchBenchmark by hand to see why" >&2
  exit 1
}
