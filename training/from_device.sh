#!/usr/bin/env bash
# Finishes a pack whose models were trained on a GPU by training/device_train.sh: takes its checkpoints, merges and
# log from DIR (the files the device tool brought back), renders the same training data here (the data stage is
# deterministic), and runs the rest of the CPU build: guidance search, export, ONNX Runtime check, fixtures,
# evaluation and the model card, whose training section then names the device and the command.
#   training/from_device.sh DIR
#   training/from_device.sh DIR export fixtures     # only some of the remaining stages
set -euo pipefail
DIR=$(cd "${1:?usage: training/from_device.sh DIR [stages...]}" && pwd)
shift
cd "$(dirname "$0")"
WORK=${WORK_DIR:-$(pwd)/work}
PACK=${PACK_DIR:-$(cd .. && pwd)/models/tiny}
for f in clip prior decoder sr inpaint; do
  [ -f "$DIR/$f.pt" ] || { echo "$DIR/$f.pt is missing: is $DIR what device_train.sh left in \$OUT?" >&2; exit 2; }
done
[ -f "$DIR/bpe_vocab.txt.gz" ] && [ -f "$DIR/device-train.log" ] \
  || { echo "$DIR lacks bpe_vocab.txt.gz or device-train.log" >&2; exit 2; }
mkdir -p "$WORK/ckpt" "$PACK/tokenizer"
cp "$DIR"/{clip,prior,decoder,sr,inpaint}.pt "$WORK/ckpt/"
cp "$DIR/bpe_vocab.txt.gz" "$PACK/tokenizer/"
cp "$DIR/device-train.log" "$WORK/device-train.log"
# the training renders, as the device made them (same N_IMAGES and P_TWO: the defaults; P_NAME_BG as its settings
# line says, 0 for a log written before it was there)
P_NAME_BG=$(sed -n 's/.* P_NAME_BG=\([0-9.]*\).*/\1/p' "$DIR/device-train.log" | head -1)
export P_NAME_BG=${P_NAME_BG:-0}
LOCAL_LOG="$WORK/from-device.log"
STAGES=${*:-"data guidance export ortcheck fixtures evaluate"}
WORK_DIR=$WORK PACK_DIR=$PACK ./build_pack.sh $STAGES 2>&1 | tee "$LOCAL_LOG"
WORK_DIR=$WORK PACK_DIR=$PACK BUILD_LOG="$WORK/device-train.log:$LOCAL_LOG" /usr/bin/python3 model_card.py
