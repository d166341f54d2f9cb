#!/usr/bin/env bash
# The public architectures at full size on this machine, once: exports Karlo (or GLIDE) with random weights
# through tools/export (the original modules), checks every graph against PyTorch, and makes one image through
# the command line, each step under /usr/bin/time -v (wall time, peak RSS). Figures go to docs/benchmarks.md by
# hand ("Real models at full size"). Needs Debian's python3-torch & co (tools/export/README.md), ~20 GB of disk
# and, for Karlo, 24 GB of memory; the packs are written outside the repository (they are GBs).
#
#   bench/real_models.sh karlo [WORK_DIR]     # default WORK_DIR ../real-models
#   bench/real_models.sh glide [WORK_DIR]
#
# Writes WORK_DIR/<family>/{pack/, export.log, check.log, run.log, out/}. Steps already done (a pack.json, an
# image) are not repeated: delete the folder to start again.
set -euo pipefail
cd "$(dirname "$0")/.."
family=${1:?karlo or glide}
work=$(realpath -m "${2:-../real-models}")/$family
mkdir -p "$work"
jar=target/quarkus-app/quarkus-run.jar
[[ -f $jar ]] || mvn -B -q -o package -DskipTests

timed() { # LOG COMMAND...: runs it under /usr/bin/time -v, then prints wall time and peak RSS from the log
  local log=$1
  shift
  /usr/bin/time -v "$@" >"$log" 2>&1
  grep -E 'Elapsed \(wall clock\)|Maximum resident set size' "$log" | sed "s|^\s*|$(basename "$log" .log): |"
}

if [[ ! -f $work/pack/pack.json ]]; then
  timed "$work/export.log" "tools/export/${family}_export.py" --random-init --out "$work/pack"
fi
du -b "$work"/pack/*.onnx* | awk '{printf "file: %s %.2f GB\n", $2, $1 / 1e9}'
timed "$work/check.log" java -jar "$jar" check-pack "$work/pack"
grep -E 'max abs' "$work/check.log" || true

case $family in
  karlo)
    timed "$work/run.log" java -jar "$jar" generate "a red cube on a blue table" --images 1 --seed 1 \
      --pack "$work/pack" --low-memory --out "$work/out"
    ;;
  glide)
    # a 256 px source and a mask repainting its centre, made by the engine's own CLI from the tiny pack
    java -jar "$jar" generate "a small red circle in the middle" --images 1 --seed 1 --out "$work/src" --quiet
    /usr/bin/python3 - "$work" <<'EOF'
import sys
from PIL import Image
work = sys.argv[1]
src = sorted(__import__("glob").glob(work + "/src/*.png"))[0]
Image.open(src).convert("RGB").resize((256, 256), Image.BICUBIC).save(work + "/source.png")
mask = Image.new("L", (256, 256), 0)
mask.paste(255, (64, 64, 192, 192))
mask.save(work + "/mask.png")
EOF
    timed "$work/run.log" java -jar "$jar" inpaint "$work/source.png" --mask "$work/mask.png" "a blue square" \
      --images 1 --seed 1 --pack "$work/pack" --low-memory --out "$work/out"
    ;;
esac
grep -E 'steps in' "$work/run.log" || true
