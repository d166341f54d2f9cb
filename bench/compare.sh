#!/usr/bin/env bash
# The Java engine and the PyTorch reference pipeline side by side on the same pack, steps, batch sizes and number of
# threads, timed turn about (bench/compare.py): per case the same untimed warm-up on both sides, then interleaved
# rounds, medians; prints both sides' BENCH lines and the Java/PyTorch ratios. Runs from a fresh clone: the PyTorch
# side rebuilds its modules from the pack's own ONNX files (training/tools/onnx_weights.py), no checkpoints needed.
#   bench/compare.sh                                    # models/tiny, 2 threads each, 1 warm-up, 5 rounds, 1/4/8 images
#   UNCLIP_TEST_PACK=DIR UNCLIP_BENCH_THREADS=2 BENCH_WARMUP=1 BENCH_ROUNDS=5 BENCH_BATCHES="1 4 8" bench/compare.sh
# PyTorch must be on OpenBLAS to be a fair opponent: Debian's python3-torch calls whatever libblas.so.3 is installed,
# the reference BLAS unless libopenblas0-pthread is there. As root this installs it when missing; otherwise it warns,
# and the PyTorch side prints the BLAS library it actually loaded either way.
set -euo pipefail
cd "$(dirname "$0")/.."
warn() { printf '\n!!!!!!!! WARNING: %s\n\n' "$*" >&2; }
if ! dpkg-query -W -f='${Status}' libopenblas0-pthread 2>/dev/null | grep -q 'install ok installed'; then
  if [ "$(id -u)" = 0 ]; then
    echo "# installing libopenblas0-pthread (PyTorch's BLAS; Debian's reference BLAS is several times slower)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libopenblas0-pthread >/dev/null
  else
    warn "libopenblas0-pthread is not installed and this is not root: PyTorch runs on the reference BLAS, its" \
      "figures are NOT a fair comparison (sudo apt-get install libopenblas0-pthread)"
  fi
fi
exec /usr/bin/python3 bench/compare.py
