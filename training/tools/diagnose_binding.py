"""Where two-object scenes go wrong (issue 12's "two objects" row), on evaluate.py's two-object scenes:

1. along the pipeline, both objects right (evaluate.score_multi) for: the true 16 px image through the super-res (is
   the base resolution the limit?), the decoder given the render's own CLIP embedding (variations), the same with the
   caption, and text->image through the prior;
2. CLIP's binding: the true caption against the same caption with the two objects' colours (shapes, positions)
   swapped, and the true render against the colour-swapped render's embedding.

    WORK_DIR=... PACK_DIR=... python3 tools/diagnose_binding.py [--n 60] [--swap-n 200] [--clip-only]
Reads the checkpoints of WORK_DIR/ckpt as evaluate.py does (the reference route).
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common  # noqa: E402
import evaluate as E  # noqa: E402
import reference_pipeline as R  # noqa: E402
import world  # noqa: E402
from common import CFG  # noqa: E402


def both_right(imgs, scenes):
    return float(np.mean([all(E.score_multi(im, s["objects"])) for im, s in zip(imgs, scenes)]))


def to_u8(x):
    return R.to_u8((x * 0.5 + 0.5).clamp(0, 1))


@torch.no_grad()
def along_the_pipeline(m, g, n):
    sc = E.gen_scenes(n, "train", 1003, n_objects=2)
    scenes, caps = [s for s, _ in sc], [c for _, c in sc]
    src = np.stack([world.render(s) for s in scenes])
    x16 = common.resize(common.to_float(src), CFG["S"]).clamp(-1, 1)
    xs, low = R.run_super_res(m, x16, n, R.NoiseSource(5), g["sr_steps"])
    print(f"true 16 px -> super-res   {both_right(to_u8(xs), scenes):.3f}   "
          f"(bicubic alone {both_right(to_u8(low), scenes):.3f})")
    img, _, _ = R.variation(m, src, ns=R.NoiseSource(7), **g)
    print(f"render's own embedding    {both_right(R.to_u8(img), scenes):.3f}   (variations: \"\" as text)")
    z = m.image_encoder(common.clip_preprocess(common.to_float(src)))
    ids, mask = m.tok([""] * n + caps)
    ids, mask = torch.from_numpy(ids).int(), torch.from_numpy(mask)
    te, th = m.text_encoder(ids)
    ehs, cls = m.text_proj(torch.cat([m.null[None].expand(n, -1), z]), te, th)
    dmask = torch.cat([torch.ones(2 * n, CFG["n_img_tokens"], dtype=torch.bool), mask], 1)
    ns = R.NoiseSource(9)
    x = R.run_decoder(m, ehs, cls, dmask, n, ns, g["decoder_steps"], g["decoder_guidance"]).clamp(-1, 1)
    xs, _ = R.run_super_res(m, x, n, ns, g["sr_steps"])
    print(f"own embedding + caption   {both_right(to_u8(xs), scenes):.3f}")
    print(f"text->image (prior)       {both_right(E.eval_t2i(m, sc, g, seed=22), scenes):.3f}")


@torch.no_grad()
def clip_binding(m, n):
    scenes = [s for s, _ in E.gen_scenes(n, "train", 1003, n_objects=2)]
    image = lambda ss: F.normalize(m.image_encoder(common.clip_preprocess(common.to_float(
        np.stack([world.render(s) for s in ss])))), dim=-1)

    def text(ss):
        ids, _ = m.tok([world.canonical_caption(s) for s in ss])
        return F.normalize(m.text_encoder(torch.from_numpy(ids).int())[0], dim=-1)
    zi, zt = image(scenes), text(scenes)
    for key in ("colour", "shape", "position"):
        sw = [world.swap(s, key) for s in scenes]
        differs = [world.canonical_caption(a) != world.canonical_caption(b) for a, b in zip(scenes, sw)]
        win = ((zi * zt).sum(-1) > (zi * text(sw)).sum(-1)).numpy()[differs]
        print(f"{key:8s} swapped: true caption nearer the render in {win.mean():.3f} of {len(win)} (chance 0.5)")
    zs = image([world.swap(s, "colour") for s in scenes])
    print(f"render vs its colour-swapped scene: cosine {float((zi * zs).sum(-1).mean()):.3f}; true render nearer "
          f"the caption in {float(((zt * zi).sum(-1) > (zt * zs).sum(-1)).float().mean()):.3f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=60)
    ap.add_argument("--swap-n", type=int, default=200)
    ap.add_argument("--clip-only", action="store_true", help="only CLIP: the binding test and evaluate.py's zero-shot "
                                                              "test (a CLIP A/B, whose decoder does not match)")
    a = ap.parse_args()
    common.setup()
    m = R.Models()
    if a.clip_only:
        clip_binding(m, a.swap_n)
        print("zero-shot (one object)", json.dumps(E.clip_zero_shot(m, 300)))
        return
    g = dict(R.DEFAULTS)
    gp = os.path.join(common.WORK, "guidance.json")
    if os.path.exists(gp):
        g.update({k: v for k, v in json.load(open(gp)).items() if k in R.DEFAULTS})
    clip_binding(m, a.swap_n)
    along_the_pipeline(m, g, a.n)


if __name__ == "__main__":
    main()
