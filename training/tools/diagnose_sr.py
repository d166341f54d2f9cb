"""Issue 12 diagnosis without training: the pack's super-res (weights read back from models/tiny/super_res.onnx) on
clean inputs. Prints, per world background, the border level after super-res of a perfect 16 px image (the true
render downsized, as in training), for several step counts; the (0,0) pixel; and the seam a perfect 16 px inpainting
result would get after super-res and paste-back.

  /usr/bin/python3 training/tools/diagnose_sr.py [--n 64] [--steps 7,25,100]
"""
import argparse
import os
import random
import sys
import types

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
import common  # noqa: E402
import evaluate as E  # noqa: E402
import onnx_weights  # noqa: E402
import reference_pipeline as R  # noqa: E402
import world  # noqa: E402


def super_res(sr, x16, steps, seed=0):
    m = types.SimpleNamespace(sr_first=sr, sr_last=sr)
    with torch.no_grad():
        xs, _ = R.run_super_res(m, x16, x16.shape[0], R.NoiseSource(seed), steps)
    return R.to_u8((xs * 0.5 + 0.5).clamp(0, 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=64)
    ap.add_argument("--steps", default="7,25,100")
    a = ap.parse_args()
    common.setup()
    sr = onnx_weights.super_res()
    rng = random.Random(5)
    scenes = [world.sample_scene(rng, "any") for _ in range(a.n)]
    src = np.stack([world.render(s) for s in scenes])
    x16 = common.resize(common.to_float(src), 16)  # what the decoder is trained to produce
    bicubic = R.to_u8((common.resize(x16, 64) * 0.5 + 0.5).clamp(0, 1))
    rows = {"bicubic 16->64 (no super-res)": bicubic}
    for st in a.steps.split(","):
        rows[f"super-res, {st} steps"] = super_res(sr, x16, st)
    bgs = [s["background"] for s in scenes]
    print("border (trimmed ring) mean per background, and mean abs level error vs the world colour:")
    for name, imgs in rows.items():
        cells = []
        for b in world.BACKGROUND_NAMES:
            sel = [i for i, x in enumerate(bgs) if x == b]
            ring = np.stack([np.concatenate([im[:2].reshape(-1, 3), im[-2:].reshape(-1, 3)]).mean(0)
                             for im in imgs[sel]]).mean(0)
            err = np.mean([E.score_background(imgs[i], b)["levels"] for i in sel])
            cells.append(f"{b} {tuple(int(v) for v in ring)} err {err:.1f}")
        px00 = imgs[:, 0, 0].astype(float).mean(0)
        ok = np.mean([E.score_background(imgs[i], bgs[i])["ok"] for i in range(len(imgs))])
        fa = E.score_fixed_artefacts(list(imgs), list(src))
        one = [i for i, sc in enumerate(scenes) if len(sc["objects"]) == 1]
        rs = [E.score_single(imgs[i], scenes[i]["objects"][0]) for i in one]
        cells.append(f"one-object colour {np.mean([r['colour'] for r in rs]):.0%} shape {np.mean([r['shape'] for r in rs]):.0%}")
        print(f"  {name:<32} " + "; ".join(cells) + f"; within 12: {ok:.0%}; pixel(0,0) mean {px00.round(0)}; "
              f"fixed-artefact max dev {fa['max_dev']:.1f} at {fa['at']} (renders {fa['world_max_dev']:.1f}), stray rate "
              f"{fa['stray_rate']:.2f} at {fa['stray_at']} (renders {fa['world_stray_rate']:.2f})")
    # seam of a perfect 16 px inpainting: the true 16 px image through super-res, pasted back outside the box
    cases = E.inpaint_cases(a.n)
    src = np.stack([world.render(c[0]) for c in cases])
    keep = torch.stack([c[1] for c in cases])
    for st in a.steps.split(","):
        out = super_res(sr, common.resize(common.to_float(src), 16), st)
        k64 = torch.nn.functional.interpolate(keep, size=(64, 64), mode="nearest")[:, 0].numpy() > 0.5
        pasted = np.where(k64[..., None], src, out)
        seams = [E.score_seam(pasted[i], src[i], k64[i], cases[i][0]["background"]) for i in range(len(cases))]
        print(f"  seam of a perfect 16 px inpainting after super-res ({st} steps) + paste-back: mean {np.mean(seams):.1f}"
              f" levels, <= 8 in {np.mean([s <= 8 for s in seams]):.0%}")


if __name__ == "__main__":
    main()
