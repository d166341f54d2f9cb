"""Issue 12 diagnosis without training: where a wrong background comes from — CLIP's image embedding or the decoder.

  /usr/bin/python3 training/tools/diagnose_background.py                 # the pack in models/tiny (PACK_DIR)
  /usr/bin/python3 training/tools/diagnose_background.py --clip-only     # a training run's CLIP (WORK_DIR/ckpt/clip.pt)
  /usr/bin/python3 training/tools/diagnose_background.py --decoder 25:3.0,25:8.0

1. CLIP: how well the background (and colour, shape, position) can be read from the image embeddings of fresh
   one-object renders — a ridge-regression linear read-out and nearest-centroid (fitted on 2/3, scored on 1/3) — and
   evaluate.clip_zero_shot (the canonical caption with the right background against the three others). A variation's
   decoder sees nothing of its source but this embedding.
2. Decoder (pack only): variations of renders through the reference pipeline at each STEPS:GUIDANCE; the 16 px
   decoder output's border (median of its outer ring) against the render's true background, mean abs levels and
   the share within 12. The residual super-res passes this border through, so it is the 64 px background too.
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
import world  # noqa: E402

ATTRIBUTES = ("background", "colour", "shape", "position")


def label(scene, attr):
    return scene["background"] if attr == "background" else scene["objects"][0][attr]


def read_outs(z, scenes, fit):
    """Per attribute: (linear, nearest-centroid) accuracy on scenes[fit:], fitted on scenes[:fit]."""
    x = np.concatenate([z, np.ones((len(z), 1))], 1)
    out = {}
    for attr in ATTRIBUTES:
        labels = np.array([label(s, attr) for s in scenes])
        values = np.array(sorted(set(labels)))
        y = (labels[:, None] == values[None]).astype(np.float64)
        w = np.linalg.solve(x[:fit].T @ x[:fit] + 1e-2 * np.eye(x.shape[1]), x[:fit].T @ y[:fit])
        linear = float((np.argmax(x[fit:] @ w, 1) == np.argmax(y[fit:], 1)).mean())
        zn = z / np.linalg.norm(z, axis=1, keepdims=True)
        centroids = np.stack([zn[:fit][labels[:fit] == v].mean(0) for v in values])
        nearest = float((values[np.argmax(zn[fit:] @ centroids.T, 1)] == labels[fit:]).mean())
        out[attr] = (linear, nearest)
    return out


def decoder_borders(m, renders, scenes, steps, guidance, seed=5):
    import reference_pipeline as R
    _, inter, _ = R.variation(m, renders, ns=R.NoiseSource(seed), decoder_steps=steps, decoder_guidance=guidance)
    x16 = ((inter["decoder_output"] * 0.5 + 0.5).clamp(0, 1) * 255).permute(0, 2, 3, 1).numpy()
    errors = []
    for img, s in zip(x16, scenes):
        ring = np.concatenate([img[0], img[-1], img[1:-1, 0], img[1:-1, -1]])
        errors.append(np.abs(np.median(ring, 0) - E.BGP[world.BACKGROUND_NAMES.index(s["background"])]).mean())
    return np.array(errors)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=3000, help="renders for the CLIP read-outs")
    ap.add_argument("--clip-only", action="store_true", help="CLIP from WORK_DIR/ckpt/clip.pt instead of the pack")
    ap.add_argument("--decoder", default="25:3.0", help="STEPS:GUIDANCE,... for the decoder part (pack only)")
    ap.add_argument("--decoder-n", type=int, default=40)
    a = ap.parse_args()
    common.setup()
    if a.clip_only:
        import models as M
        tok = common.tokenizer()
        ck = torch.load(os.path.join(common.CKPT, "clip.pt"))
        clip = M.Clip(tok.vocab_size, common.CFG["L"], common.CFG["C"])
        clip.load_state_dict(ck["state"]["clip"])
        clip.eval()
        m = types.SimpleNamespace(tok=tok, image_encoder=clip.image, text_encoder=clip.text)
        print(f"CLIP of {common.CKPT} ({ck.get('steps')} steps)")
    else:
        import onnx_weights
        m = onnx_weights.PackModels(common.PACK)
        print(f"pack {common.PACK}")
    rng = random.Random(7)
    scenes = [world.sample_scene(rng, "train", n_objects=1) for _ in range(a.n)]
    renders = np.stack([world.render(s) for s in scenes])
    with torch.no_grad():
        z = torch.cat([m.image_encoder(common.clip_preprocess(common.to_float(renders[i:i + 500])))
                       for i in range(0, a.n, 500)]).numpy()
        zero_shot = E.clip_zero_shot(m, 300)
    for attr, (linear, nearest) in read_outs(z, scenes, 2 * a.n // 3).items():
        print(f"CLIP {attr:10s} linear read-out {linear:.3f}  nearest centroid {nearest:.3f}  zero-shot held-out "
              f"{zero_shot['heldout'][attr]:.3f} training {zero_shot['train'][attr]:.3f}")
    if a.clip_only:
        return
    k = a.decoder_n
    for setting in a.decoder.split(","):
        steps, guidance = setting.split(":")
        with torch.no_grad():
            e = decoder_borders(m, renders[:k], scenes[:k], steps, float(guidance))
        print(f"decoder, variations of {k} renders, steps {steps} guidance {guidance}: border off by {e.mean():.1f} "
              f"levels (mean), within 12 levels {np.mean(e <= 12):.2f}")


if __name__ == "__main__":
    main()
