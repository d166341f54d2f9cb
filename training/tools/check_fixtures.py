"""Replay the pipeline fixtures with their recorded latents/noise through the PyTorch reference and compare."""
import base64
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common
import reference_pipeline as R

NP = {"float32": "<f4", "int32": "<i4", "int64": "<i8", "bool": "|b1", "uint8": "|u1"}


def tens(d):
    return torch.from_numpy(np.frombuffer(base64.b64decode(d["b64"]), dtype=NP[d["dtype"]]).reshape(d["shape"]).copy())


def replay(stages):
    return {k: {"x_T": tens(v["x_T"]), "noise": [tens(n) for n in v["noise"]]} for k, v in stages.items()}


def main():
    common.setup()
    m = R.Models()
    worst = 0.0
    for kind in ("text_to_image", "variation", "inpaint"):
        f = json.load(open(os.path.join(common.FIXTURES, f"pipeline_{kind}.json")))
        q, st, inter = f["request"], f["stages"], f["intermediates"]
        ns = R.NoiseSource(replay=replay(st))
        if kind == "text_to_image":
            img, _, _ = R.text_to_image(m, q["prompt"], B=q["batch"], ns=ns, prior_steps=q["prior_steps"],
                                        prior_guidance=q["prior_guidance"], decoder_steps=q["decoder_steps"],
                                        decoder_guidance=q["decoder_guidance"], sr_steps=q["super_res_steps"])
        elif kind == "variation":
            img, _, _ = R.variation(m, tens(inter["source_image"]).numpy(), ns=ns, decoder_steps=q["decoder_steps"],
                                    decoder_guidance=q["decoder_guidance"], sr_steps=q["super_res_steps"])
        else:
            img, _, _ = R.inpaint(m, tens(inter["source_image"]).numpy(), tens(inter["keep_mask"]), q["prompt"], ns=ns,
                                  inpaint_steps=q["inpaint_steps"], inpaint_guidance=q["inpaint_guidance"],
                                  sr_steps=q["super_res_steps"])
        err = float((img - tens(f["image"])).abs().max())
        worst = max(worst, err)
        print(kind, "stages", {k: (len(v["timesteps"]), len(v["noise"])) for k, v in st.items()},
              "image", list(img.shape), "max err", err)
    for name in sorted(os.listdir(common.FIXTURES)):
        if name.startswith("stage_"):
            d = json.load(open(os.path.join(common.FIXTURES, name)))
            print(name, {k: v["shape"] for k, v in d["inputs"].items()}, "->", {k: v["shape"] for k, v in d["outputs"].items()})
    sys.exit(0 if worst < 1e-5 else 1)


if __name__ == "__main__":
    main()
