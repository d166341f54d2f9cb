"""Reference values for the Java image ops (BicubicResize, ClipImagePreprocessor).

Run with Debian's python3 (python3-torch, python3-pil):
    /usr/bin/python3 training/fixtures_image_ops.py
Writes src/test/resources/fixtures/image/image_ops.json.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "fixtures", "image", "image_ops.json")
rng = np.random.default_rng(20261130)


def f32(values):
    """float32 values with 9 significant digits: enough to round-trip, half the size of repr(double)."""
    return [float("%.9g" % v) for v in np.asarray(values, dtype=np.float32).flatten()]


def torch_case(c, h, w, oh, ow):
    x = torch.from_numpy(rng.uniform(-1, 1, size=(1, c, h, w)).astype(np.float32))
    y = F.interpolate(x, size=(oh, ow), mode="bicubic", align_corners=False, antialias=True)
    return {"channels": c, "in_h": h, "in_w": w, "out_h": oh, "out_w": ow,
            "input": f32(x), "output": f32(y)}


def pil_case(w, h, ow, oh):
    a = rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
    b = np.asarray(Image.fromarray(a, "RGB").resize((ow, oh), Image.BICUBIC))
    return {"in_w": w, "in_h": h, "out_w": ow, "out_h": oh,
            "input": a.flatten().tolist(), "output": b.flatten().tolist()}


def clip_case(w, h, size):
    """CLIP preprocessing as the tiny pack's reference does it: /255, shortest side -> size (torch antialiased
    bicubic on floats), centre crop, mean/std, NCHW."""
    mean = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
    std = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
    a = rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
    short, long = (w, h) if w <= h else (h, w)
    new_long = int(size * long / short)
    nw, nh = (size, new_long) if w <= h else (new_long, size)
    x = torch.from_numpy(a.astype(np.float32) / 255.0).permute(2, 0, 1)[None]
    r = F.interpolate(x, size=(nh, nw), mode="bicubic", align_corners=False, antialias=True)[0]
    r = r.permute(1, 2, 0).numpy()
    top, left = (nh - size) // 2, (nw - size) // 2
    r = r[top:top + size, left:left + size]
    r = (r - mean) / std
    return {"in_w": w, "in_h": h, "size": size, "mean": mean.tolist(), "std": std.tolist(),
            "input": a.flatten().tolist(), "output": f32(r.transpose(2, 0, 1))}


fixtures = {
    "source": "torch %s interpolate(bicubic, align_corners=False, antialias=True); Pillow %s resize(BICUBIC)"
              % (torch.__version__, Image.__version__),
    "torch": [torch_case(1, 16, 16, 64, 64), torch_case(1, 64, 64, 16, 16), torch_case(1, 13, 20, 31, 7),
              torch_case(1, 9, 9, 9, 5)],
    "pil": [pil_case(16, 16, 64, 64), pil_case(37, 23, 11, 9), pil_case(23, 37, 30, 41), pil_case(50, 40, 50, 17)],
    "clip": [clip_case(40, 30, 32), clip_case(24, 48, 32), clip_case(100, 100, 32)],
}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump(fixtures, f)
print("wrote", os.path.normpath(OUT))
