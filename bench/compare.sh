#!/usr/bin/env bash
# The Java engine and the PyTorch reference pipeline side by side, in one run, on the same tiny pack, steps and
# batch sizes, with the same number of threads; prints both sets of BENCH lines and the Java/PyTorch time ratios.
#   bench/compare.sh                      # 2 threads each (UNCLIP_BENCH_THREADS to change)
# Needs training/work/ckpt (the checkpoints of a training run) for the PyTorch side.
set -euo pipefail
cd "$(dirname "$0")/.."
export UNCLIP_BENCH_THREADS=${UNCLIP_BENCH_THREADS:-2}
out=$(mktemp -d)
echo "# Java engine (ONNX Runtime, $UNCLIP_BENCH_THREADS intra-op threads)"
bench/bench.sh | tee "$out/java"
echo "# PyTorch reference (training/reference_pipeline.py, $UNCLIP_BENCH_THREADS threads)"
/usr/bin/python3 training/bench_reference.py | tee "$out/torch"
echo "# Java / PyTorch wall time (below 1.0: Java is faster)"
/usr/bin/python3 - "$out/java" "$out/torch" <<'PY'
import re, sys
def read(path):
    rows = {}
    for line in open(path):
        m = re.match(r"BENCH (\S+)\s+images=(\d+) total=(\d+) ms", line)
        if m:
            rows[(m.group(1), int(m.group(2)))] = float(m.group(3))
    return rows
java, torch = read(sys.argv[1]), read(sys.argv[2])
for key in sorted(java):
    if key in torch:
        print("RATIO %-14s images=%d java=%.0f ms torch=%.0f ms java/torch=%.2f" % (key[0], key[1], java[key], torch[key], java[key] / torch[key]))
PY
