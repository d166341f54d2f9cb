"""Write a training run's checkpoints (WORK_DIR/ckpt/*.pt) from a pack's own ONNX files, so that a stage can be
resumed (`<STAGE>_RESUME=1`, the `morph` stage) or evaluated on a machine that holds only the repository — the
checkpoints of the build that made `models/tiny` are not committed (they are ≈ 4× the pack).

  /usr/bin/python3 training/train.py data              # the same training renders (seeded), WORK_DIR/data.pt
  /usr/bin/python3 training/tools/pack_checkpoints.py [PACK]

The weights come from onnx_weights.PackModels (checked there by re-export and fixture replay). What no ONNX file
holds is rebuilt as train.py makes it: CLIP's image embeddings of every training render and their statistics, which
must equal the pack's side data (clip_mean, clip_std) — a check that data.pt is the one the pack was trained on.
Steps and seconds come from the pack's MODEL_CARD.md table, so a resumed stage counts on from where the build
stopped. Exported weights are the EMA weights, which is what a resume loads anyway (EMA weights, fresh optimiser).
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common  # noqa: E402
import model_card  # noqa: E402
import onnx_weights  # noqa: E402


def card_steps(pack):
    """stage -> (steps reached, wall seconds) from the card's training table."""
    steps = model_card.card_run(os.path.join(pack, "MODEL_CARD.md"))["steps"]
    missing = {"clip", "prior", "decoder", "sr", "inpaint"} - steps.keys()
    if missing:
        raise SystemExit(f"{pack}/MODEL_CARD.md: no training row for {sorted(missing)}")
    return steps


def image_embeds(clip, images):
    with torch.no_grad():
        return torch.cat([clip.image(common.clip_preprocess(common.to_float(images[i:i + 512])))
                          for i in range(0, images.shape[0], 512)])


def main():
    pack = sys.argv[1] if len(sys.argv) > 1 else common.PACK
    if not os.path.exists(common.data_path()):
        raise SystemExit(f"{common.data_path()} is missing: run `train.py data` first (the renders the pack saw)")
    steps = card_steps(pack)
    m = onnx_weights.PackModels(pack)
    emb = image_embeds(m.clip, common.load_data()["images"])
    mean, std = emb.mean(0), emb.std(0)
    off = max(float((mean - m.clip_mean).abs().max()), float((std - m.clip_std).abs().max()))
    if off > 1e-4:
        raise SystemExit(f"CLIP embedding statistics differ from the pack's by {off:.2e}: data.pt is not the set the "
                         "pack was trained on (N_IMAGES, P_TWO and P_NAME_BG must be the build's)")
    os.makedirs(common.CKPT, exist_ok=True)
    states = {"clip": {"clip": m.clip}, "prior": {"prior": m.prior},
              "decoder": {"text_proj": m.text_proj, "decoder": m.decoder}, "sr": {"sr": m.sr},
              "inpaint": {"inpaint": m.inpaint}}
    for name, modules in states.items():
        d = {"state": {k: {n: t.detach().clone() for n, t in mod.state_dict().items()} for k, mod in modules.items()},
             "steps": steps[name][0], "seconds": steps[name][1], "loss_first": None, "loss_last": None,
             "cfg": common.CFG, "from_pack": os.path.abspath(pack)}
        if name == "clip":
            d.update({"image_embeds": emb, "clip_mean": mean, "clip_std": std})
        if name == "sr":
            d["residual"] = m.meta["sr_residual"]
        torch.save(d, os.path.join(common.CKPT, name + ".pt"))
        common.log(f"{name}: {common.CKPT}/{name}.pt (step {d['steps']})")
    common.log(f"embedding statistics equal the pack's within {off:.1e}")


if __name__ == "__main__":
    np.set_printoptions(precision=4)
    main()
