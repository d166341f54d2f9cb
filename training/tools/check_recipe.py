"""Checks of the training recipe's own maths that no exported model shows: the interpolation frames the decoder learns
from (world.morph), the slerp that pairs them with embeddings (train.slerp), the morph phase's loss weights
(train.snr_weights), and CLIP's swapped-attribute hard negatives (world.swap, train.swap_bank). Exit 0 when all
hold, 1 with the failures listed. Run by dev.unclipstudio.tools.TrainingRecipeTest (Debian's python3 with python3-torch).
"""
import os
import random
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common  # noqa: E402
import evaluate  # noqa: E402
import reference_pipeline as R  # noqa: E402
import train  # noqa: E402
import world  # noqa: E402

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


rng = random.Random(12)
pairs = [(world.sample_scene(rng), world.sample_scene(rng)) for _ in range(60)]

# the path's ends are the two renders (coverage compositing vs PIL's supersampled drawing: rounding, and a few
# edge pixels where two objects share a supersampled pixel)
for i, (a, b) in enumerate(pairs):
    for t, s in ((0.0, a), (1.0, b)):
        d = np.abs(world.morph(a, b, t) - world.render(s))
        check(d.mean() < 0.1 and d.max() < 20, f"pair {i}: morph at t={t} is not the render (mean {d.mean():.3f}, "
                                               f"max {d.max():.1f} levels)")

# the background moves linearly
empty = lambda bg: {"background": bg, "objects": []}
mid = world.morph(empty("black"), empty("white"), 0.5)
want = (np.asarray(world.BACKGROUNDS["black"][0]) + np.asarray(world.BACKGROUNDS["white"][0])) / 2
check(np.abs(mid - want).max() < 1e-3, f"background half way {mid[0, 0]} instead of {want}")

# an object without a partner fades: half its coverage at t = 0.5
one = {"background": "black", "objects": [world.make_object(random.Random(3), "red", "square", "large", "centre")]}
cov = world.object_mask(one["objects"][0])
half = world.morph(one, empty("black"), 0.5)
bg, red = np.asarray(world.BACKGROUNDS["black"][0]), np.asarray(world.COLOURS["red"][0])
check(np.abs(half - (bg * (1 - cov[..., None] / 2) + red * cov[..., None] / 2)).max() < 1e-3,
      "an unpaired object does not fade linearly")

# the frames the decoder learns from are what issue 12 asks of interpolation: no gap above twice the median change
ratios = [evaluate.score_interpolation([world.morph(a, b, t).round().astype(np.uint8)
                                        for t in np.linspace(0, 1, 5)])["ratio"] for a, b in pairs]
check(max(ratios) <= 2, f"morph frames jump: largest change / median change up to {max(ratios):.2f}")

# train.slerp (batched, float32) is the engine's slerp (reference_pipeline.slerp, as the Java Slerp)
g = torch.Generator().manual_seed(0)
a, b, t = torch.randn(16, 32, generator=g), torch.randn(16, 32, generator=g), torch.rand(16, 1, generator=g)
b[0] = a[0] * 3  # parallel: the linear branch
s = train.slerp(a, b, t)
err = max(float((s[i] - R.slerp(a[i], b[i], float(t[i]))).abs().max()) for i in range(16))
check(err < 1e-5, f"train.slerp differs from the engine's slerp by {err:.2e}")
ends = float(torch.max((train.slerp(a, b, torch.zeros(16, 1)) - a).abs().max(),
                       (train.slerp(a, b, torch.ones(16, 1)) - b).abs().max()))
check(ends < 1e-4, f"train.slerp misses its ends by {ends:.2e}")

# CLIP's hard negatives: a swap exchanges one attribute kind between the two objects and nothing else, and the bank
# never adds a held-out colour x shape pair to the training renders
two = [world.sample_scene(rng, n_objects=2) for _ in range(200)]
for key, moved in (("colour", ("colour",)), ("shape", ("shape",)), ("position", ("position", "cx", "cy"))):
    for s in two:
        w = world.swap(s, key)
        (a, b), (c, d) = s["objects"], w["objects"]
        check(all(c[k] == b[k] and d[k] == a[k] for k in moved)
              and all(c[k] == a[k] and d[k] == b[k] for k in a if k not in moved)
              and w["background"] == s["background"], f"swap({key}) moves more or less than {moved}")
bank = train.swap_bank(two, common.tokenizer(), 0.5)
check(len(bank["idx"]) > 150, f"only {len(bank['idx'])} of 200 scenes have a swap")
check(not any(world.is_held_out(w) for w in bank["scenes"]), "a swap makes a held-out colour x shape pair")
check(any(world.is_held_out(world.swap(s, "colour")) or world.is_held_out(world.swap(s, "shape")) for s in two),
      "no scene here could swap into a held-out pair: the check above checks nothing")
swapped_renders_differ = [bool((bank["images"][j].numpy() != world.render(two[i])).any())
                          for j, i in enumerate(bank["idx"].tolist())]
check(all(swapped_renders_differ), "a swapped render equals its source")

# the morph phase's loss weights: mean 1 over the timesteps, never falling with the noise, min(1 + 1/SNR, cap) up to
# that normalisation (so the highest-noise steps weigh cap / (1 + 1/SNR(0)) times the lowest)
acp = common.alphas_cumprod(1000)
v_weight = lambda t: 1 + (1 - acp[t]) / acp[t]  # 1 + 1/SNR
w = train.snr_weights(50)
check(abs(w.mean() - 1) < 1e-12 and (np.diff(w) >= 0).all(), "snr_weights(50): not mean 1 or not rising with t")
check(abs(w[-1] / w[0] - 50 / v_weight(0)) < 1e-9 and abs(w[500] / w[0] - v_weight(500) / v_weight(0)) < 1e-9,
      "snr_weights(50): not min(1 + 1/SNR, 50) normalised")

if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
print(f"recipe checks passed ({len(pairs)} scene pairs; morph ratio at most {max(ratios):.2f})")
