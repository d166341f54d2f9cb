"""Reference fixtures for the Java engine -> src/test/resources/fixtures/tiny/ (format: docs/model-packs.md)."""
import base64
import json
import os
import random

import numpy as np
import torch

import common
import world
from common import FIXTURES, log
from export import stage_inputs, stage_modules
from reference_pipeline import Models, NoiseSource, DEFAULTS, text_to_image, variation, inpaint

DT = {torch.float16: ("float16", "<f2"), torch.float32: ("float32", "<f4"), torch.int32: ("int32", "<i4"), torch.int64: ("int64", "<i8"),
      torch.bool: ("bool", "|b1"), torch.uint8: ("uint8", "|u1")}


def tensor(t):
    t = torch.as_tensor(t).detach().cpu()
    if t.dtype == torch.float64:
        t = t.float()
    if t.dtype == torch.float32 and torch.equal(t.half().float(), t):
        t = t.half()  # lossless: noise and stage inputs are drawn on the float16 grid (see HalfNoise)
    name, np_dt = DT[t.dtype]
    arr = np.ascontiguousarray(t.numpy().astype(np_dt))
    return {"dtype": name, "shape": list(t.shape), "b64": base64.b64encode(arr.tobytes()).decode("ascii")}


def dump(name, obj):
    path = os.path.join(FIXTURES, name)
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
    log(f"{name}: {os.path.getsize(path) / 1e3:.0f} kB")


class HalfNoise(NoiseSource):
    """Draws rounded to float16 values, so the fixtures store them exactly in half the bytes (the 3 MB budget)."""

    def init(self, stage, shape):
        super().init(stage, shape)
        r = self.rec[stage]
        r["x_T"] = r["x_T"].half().float()
        return r["x_T"].clone()

    def step(self, stage, shape):
        n = super().step(stage, shape).half().float()
        self.rec[stage]["noise"][-1] = n
        return n


def half_grid(t):
    return t.half().float() if t.is_floating_point() else t


def stages_json(ns):
    return {st: {"x_T": tensor(r["x_T"]), "noise": [tensor(n) for n in r["noise"]], "timesteps": r["timesteps"]}
            for st, r in ns.rec.items()}


UNCHECKED = {"low_res", "super_res_output"}  # 64 px intermediates no test reads: left out to keep fixtures small


def intermediates_json(inter):
    return {k: tensor(v) for k, v in inter.items() if k not in UNCHECKED}


TOKEN_CASES = [
    "a small red circle in the top left corner",
    "top-left: tiny crimson disc on white",
    "",
    "   ",
    "A BIG Blue SQUARE at the Bottom!!!",
    "there's a yellow star, isn't there?",
    "a little   teal\tring\n\non the right",
    "red &amp; blue &lt;3 &amp;amp;",
    "café crème brûlée: ünïcödé ÀÉÎ",
    "日本語のテキスト and 中文",
    "emoji 🙂🚀 test ✓",
    "numbers 12345 and 3.14 and x2",
    "plus sign + cross × star ★",
    "<|startoftext|>inner<|endoftext|> tokens",
    "don't won't they'll we've i'm you'd she's",
    "hyphen-ated top-right bottom-left a--b",
    "quotes \"double\" 'single' `back`",
    "Ωmega ΣIGMA straße ǅ",
    "a " + "very " * 40 + "long caption that is truncated",
    "a huge violet donut in the bottom right corner and a tiny golden plus sign at the top on a sand background",
    "x" * 80,
]


def main():
    common.setup()
    os.makedirs(FIXTURES, exist_ok=True)
    m = Models()
    # ---- tokenizer cases
    ids, mask = m.tok(TOKEN_CASES)
    dump("tokens_tiny.json", {"context_length": m.tok.context_length, "vocab_size": m.tok.vocab_size,
                              "sot": m.tok.sot, "eot": m.tok.eot,
                              "cases": [{"text": t, "bpe": m.tok.encode(t), "ids": ids[i].tolist(),
                                         "mask": mask[i].tolist()} for i, t in enumerate(TOKEN_CASES)]})
    # ---- stages
    ins = stage_inputs(m)
    mods = stage_modules(m)
    for st, (inp, outs) in ins.items():
        inp = {k: half_grid(v) for k, v in inp.items()}
        with torch.no_grad():
            o = mods[st](*inp.values())
        o = o if isinstance(o, tuple) else (o,)
        dump(f"stage_{st}.json", {"inputs": {k: tensor(v) for k, v in inp.items()},
                                  "outputs": {k: tensor(v) for k, v in zip(outs, o)}})
    g = {**DEFAULTS}
    gp = os.path.join(common.WORK, "guidance.json")
    if os.path.exists(gp):
        g.update(json.load(open(gp)))
    # ---- text to image
    prompt = "a large red circle in the top left corner"
    ns = HalfNoise(1)
    img, inter, ns = text_to_image(m, prompt, B=2, ns=ns, **g)
    req = {"prompt": prompt, "batch": 2, "prior_steps": g["prior_steps"], "prior_guidance": g["prior_guidance"],
           "decoder_steps": g["decoder_steps"], "decoder_guidance": g["decoder_guidance"],
           "super_res_steps": g["sr_steps"]}
    dump("pipeline_text_to_image.json", {"request": req, "stages": stages_json(ns),
                                         "intermediates": intermediates_json(inter),
                                         "image": tensor(img)})
    # ---- variation
    rng = random.Random(5)
    scene = {"background": "white", "objects": [world.make_object(rng, "blue", "square", "large", "right", 0)]}
    src = world.render(scene)[None]
    ns = HalfNoise(2)
    img, inter, ns = variation(m, src, ns=ns, **g)
    req = {"batch": 1, "decoder_steps": g["decoder_steps"], "decoder_guidance": g["decoder_guidance"],
           "super_res_steps": g["sr_steps"], "source": "source_image"}
    inter = {"source_image": torch.from_numpy(src), **inter}
    dump("pipeline_variation.json", {"request": req, "stages": stages_json(ns),
                                     "intermediates": intermediates_json(inter),
                                     "image": tensor(img)})
    # ---- inpaint
    scene = {"background": "beige", "objects": [world.make_object(rng, "green", "circle", "large", "left", 0),
                                                world.make_object(rng, "yellow", "square", "small", "top right", 0)]}
    src = world.render(scene)[None]
    keep = torch.ones(1, 1, 16, 16)
    keep[:, :, 4:12, 0:8] = 0
    prompt = "a large pink circle on the left and a small yellow square at the top right"
    ns = HalfNoise(3)
    img, inter, ns = inpaint(m, src, keep, prompt, ns=ns, **g)
    req = {"prompt": prompt, "batch": 1, "inpaint_steps": g["inpaint_steps"], "inpaint_guidance": g["inpaint_guidance"],
           "super_res_steps": g["sr_steps"], "source": "source_image", "mask": "keep_mask"}
    inter = {"source_image": torch.from_numpy(src), "keep_mask": keep, **inter}
    dump("pipeline_inpaint.json", {"request": req, "stages": stages_json(ns),
                                   "intermediates": intermediates_json(inter),
                                   "image": tensor(img)})
    tot = sum(os.path.getsize(os.path.join(FIXTURES, f)) for f in os.listdir(FIXTURES))
    log(f"fixtures total {tot / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
