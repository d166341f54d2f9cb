"""Checks that the model card can only describe the files that ship: model_card.py refuses an evaluation of
checkpoints or of other files than the pack holds, and reads an earlier card's training record (the runs a pack that
is continued from its own files was built by, tools/pack_checkpoints.py) as that card states it. Exit 0 when all
hold, 1 with the failures listed. Run by dev.unclipstudio.tools.TrainingRecipeTest (Debian's python3).
"""
import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACK = os.path.join(os.path.dirname(HERE), "models", "tiny")
os.environ["PACK_DIR"] = tempfile.mkdtemp(prefix="card-check-")
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "tools"))
import common  # noqa: E402
import model_card  # noqa: E402
import pack_checkpoints  # noqa: E402

failures = []


def refused(ev):
    try:
        model_card.check_evaluated_files(ev)
    except SystemExit as e:
        return str(e)
    return None


pack = os.environ["PACK_DIR"]
shutil.rmtree(pack)
shutil.copytree(PACK, pack)
digests = common.pack_files(pack)
if not any(n.endswith(".onnx") for n in digests) or not any(n.startswith("side/") for n in digests):
    failures.append(f"pack_files lists no ONNX or side file: {sorted(digests)}")
if refused({"pack": {"files": digests}}) is not None:
    failures.append("an evaluation of exactly the pack's files was refused: " + refused({"pack": {"files": digests}}))
if "checkpoints" not in (refused({"guidance": {}}) or ""):
    failures.append("an evaluation of checkpoints (no 'pack' entry) was not refused")
with open(os.path.join(pack, "decoder.onnx"), "ab") as f:
    f.write(b"\0")  # the decoder changed after the evaluation
msg = refused({"pack": {"files": digests}})
if not msg or "decoder.onnx" not in msg:
    failures.append(f"an evaluation of an older decoder.onnx was not refused by name: {msg}")

# the committed card's training record, as a continued build's first run (and pack_checkpoints' steps), against
# its table's cells read without card_run's pattern
card = os.path.join(PACK, "MODEL_CARD.md")
run = model_card.card_run(card)
steps = pack_checkpoints.card_steps(PACK)
text = open(card, encoding="utf-8").read()
for stage in ("clip", "prior", "decoder", "sr", "inpaint"):
    row = next((line.split("|")[1:-1] for line in text.splitlines() if line.startswith(f"| {stage} |")), None)
    if row is None:
        failures.append(f"{stage}: no row in the card's training table")
        continue
    want = (int(row[2]), round(float(row[4].split()[0]) * 60))
    if run["steps"].get(stage) != want or steps.get(stage) != want:
        failures.append(f"{stage}: card_run reads {run['steps'].get(stage)}, pack_checkpoints {steps.get(stage)}, "
                        f"the table {want}")
    first_cap = row[3].split(";")[0].strip()  # "none": it stopped at its step count before any time cap
    if run["caps"].get(stage, [])[:1] != ([] if first_cap == "none" else [float(first_cap.split()[0])]):
        failures.append(f"{stage}: card_run reads caps {run['caps'].get(stage)}, the table '{row[3].strip()}'")
    # the continuations' step targets, kept when a later card continues this one ("; then to step 11,962, …")
    cell = row[3].split("; then to step ")
    want_targets = cell[1].strip().split(", then to ") if len(cell) > 1 else []
    if run["card_targets"].get(stage, []) != want_targets:
        failures.append(f"{stage}: card_run reads step targets {run['card_targets'].get(stage)}, the table "
                        f"'{row[3].strip()}'")
if run["measured"] not in text or not re.match(r"\S", run["measured"]):
    failures.append("card_run's Measured paragraph is not the card's")
together = re.findall(r"Together, \*\*(\d+) min\*\*", run["measured"])
if together and run["minutes"] != int(together[-1]):
    failures.append(f"card_run reads {run['minutes']} min, the paragraph's last total is {together[-1]} min")

shutil.rmtree(pack)
if failures:
    print("\n".join("FAIL " + f for f in failures))
    sys.exit(1)
print("model card checks hold")
