#!/usr/bin/env bash
# Times the Java engine on a pack (default models/tiny) with the pack's default steps, and, when given, the PyTorch
# reference pipeline on the same machine for comparison.
#
#   bench/bench.sh                                  # Java only
#   UNCLIP_TEST_PACK=/path/to/pack bench/bench.sh   # another pack
#   UNCLIP_BENCH_THREADS=2 bench/bench.sh           # ONNX Runtime intra-op threads (0 = all cores)
#   REFERENCE_CMD="python3 training/reference_pipeline.py ..." bench/bench.sh   # also time the reference command
#
# Prints "BENCH ..." lines: per pipeline and batch size the mean wall time over 5 runs (after a warm-up of every pipeline) and the time
# spent in each stage.
set -euo pipefail
cd "$(dirname "$0")/.."
UNCLIP_BENCH=1 mvn -q -o test -Dtest=EngineBenchmark -Dsurefire.failIfNoSpecifiedTests=false 2>&1 | grep '^BENCH' || {
  echo "benchmark failed; rerun without -q to see why" >&2
  exit 1
}
if [[ -n "${REFERENCE_CMD:-}" ]]; then
  start=$(date +%s.%N)
  bash -c "$REFERENCE_CMD" >/dev/null
  end=$(date +%s.%N)
  printf 'BENCH reference-cmd total=%.0f ms (%s)\n' "$(echo "($end - $start) * 1000" | bc)" "$REFERENCE_CMD"
fi
