#!/usr/bin/env bash
# Times the Java engine on a pack (default models/tiny) with the pack's default steps, in a JVM of its own, and, when
# given, the PyTorch reference pipeline on the same machine for comparison.
#
#   bench/bench.sh                                  # Java only
#   UNCLIP_TEST_PACK=/path/to/pack bench/bench.sh   # another pack
#   UNCLIP_BENCH_THREADS=2 bench/bench.sh           # ONNX Runtime intra-op threads (0 = all cores)
#   BENCH_JVM_OPTS="-Xms3g -XX:+AlwaysPreTouch" bench/bench.sh   # JVM options (default -Xmx3g)
#   REFERENCE_CMD="python3 training/reference_pipeline.py ..." bench/bench.sh   # also time the reference command
#   bench/bench.sh --serve                          # the engine answering requests on stdin (bench/compare.py)
#
# Prints "BENCH ..." lines: per pipeline and batch size the median wall time of 5 runs (after a warm-up of every
# pipeline), the median share of time outside ONNX Runtime with its range, and the time spent in each stage.
set -euo pipefail
cd "$(dirname "$0")/.."
# with --serve, stdin carries the requests and stdout the answers: Maven must neither read the one nor write to the
# other (even -q writes colour codes)
cp_args=(test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath)
# offline first; online when this machine's ~/.m2 lacks something (a fresh clone)
mvn -B -q -o "${cp_args[@]}" </dev/null >&2 || mvn -B -q "${cp_args[@]}" </dev/null >&2
# shellcheck disable=SC2086 # BENCH_JVM_OPTS is a list of options
java ${BENCH_JVM_OPTS:--Xmx3g} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.unclipstudio.bench.EngineBenchmark "$@" 2>&1 | grep --line-buffered -E '^(BENCH|READY|RAN) ' || {
  echo "benchmark failed; run dev.unclipstudio.bench.EngineBenchmark by hand to see why" >&2
  exit 1
}
if [[ -n "${REFERENCE_CMD:-}" ]]; then
  start=$(date +%s.%N)
  bash -c "$REFERENCE_CMD" >/dev/null
  end=$(date +%s.%N)
  printf 'BENCH reference-cmd total=%.0f ms (%s)\n' "$(echo "($end - $start) * 1000" | bc)" "$REFERENCE_CMD"
fi
