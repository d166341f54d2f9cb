#!/usr/bin/env bash
# Rebuild the tiny pack from nothing with fixed seeds: tokenizer, data, CLIP, prior, decoder (and its interpolation
# phase, morph), super-res, inpainting, ONNX export + pack.json, fixtures, evaluation, model card.
# Usage: training/build_pack.sh [stages...]
# Env: DEVICE=cpu|cuda, THREADS=2, *_STEPS / *_MINUTES / *_BATCH per stage (see training/README.md).
set -euo pipefail
cd "$(dirname "$0")"
PY=/usr/bin/python3
if ! $PY -c "import torch, onnx, numpy, PIL" 2>/dev/null; then
  echo "installing Debian packages"; apt-get install -y python3-torch python3-onnx python3-numpy python3-pil
fi
# Debian torch uses the reference BLAS unless OpenBLAS is installed (20x slower matmuls)
if ! ls /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 >/dev/null 2>&1; then
  apt-get install -y libopenblas0-pthread || echo "warning: OpenBLAS not installed; training will be slow"
fi
WORK=${WORK_DIR:-$(pwd)/work}
mkdir -p "$WORK"
# every run keeps its own log in WORK: the card stage reads the steps and times from it (model_card.py)
exec > >(tee -a "$WORK/build-$(date -u +%Y%m%d-%H%M%S).log") 2>&1
STAGES=${*:-"tokenizer data clip prior decoder morph sr inpaint guidance export ortcheck fixtures evaluate card"}
T0=$(date +%s)
for s in $STAGES; do
  t=$(date +%s); echo "=== $s ($(date -u +%H:%M:%S))"
  case $s in
    tokenizer|data|clip|prior|decoder|morph|sr|inpaint) $PY train.py "$s" ;;
    guidance) $PY evaluate.py --guidance-search --n "${GUIDANCE_N:-60}" ;;
    export) $PY export.py && $PY ../tools/known_words.py ;;  # known_words.txt: the pack's vocabulary for prompt notes
    ortcheck) if command -v java >/dev/null && ls ~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/*/onnxruntime-*.jar >/dev/null 2>&1; then $PY tools/ort_check.py; else echo "skipped: needs java and the onnxruntime jar in ~/.m2"; fi ;;
    fixtures) $PY make_fixtures.py ;;
    # the exported files, not the checkpoints: the card then describes exactly what ships (model_card.py checks)
    evaluate) $PY evaluate.py --pack "${PACK_DIR:-../models/tiny}" --n "${EVAL_N:-300}" ;;  # writes $WORK_DIR/eval.json
    card) $PY model_card.py ;;
    *) echo "unknown stage $s"; exit 2 ;;
  esac
  echo "=== $s done in $(( $(date +%s) - t ))s"
done
echo "=== total $(( $(date +%s) - T0 ))s"
