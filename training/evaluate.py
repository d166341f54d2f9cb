"""Score the tiny pack against the renderer's ground truth.

  python3 evaluate.py [--n 300] [--out work/eval.json]            full evaluation of the PyTorch reference pipelines
  python3 evaluate.py --folder DIR --captions FILE                 score PNGs (e.g. from the Java engine): FILE has
                                                                   lines "name.png<TAB>caption"
  python3 evaluate.py --guidance-search                            pick the decoder guidance -> work/guidance.json
Scoring: background = median border colour; object pixels = far from background; colour = majority nearest
palette colour; position = centroid (3x3 grid, thresholds at the midpoints between position centres); shape/size =
best IoU against rendered templates of every shape and size at the detected centroid.
"""
import argparse
import json
import os
import random
import re
import sys
import time

import numpy as np
import torch

import common
import world
from common import log

PAL = np.array([world.COLOURS[c][0] for c in world.COLOUR_NAMES], dtype=np.float32)
BGP = np.array([world.BACKGROUNDS[b][0] for b in world.BACKGROUND_NAMES], dtype=np.float32)


def _grid_pos(cx, cy):
    col = "left" if cx < 0.36 else ("right" if cx > 0.64 else "")
    row = "top" if cy < 0.36 else ("bottom" if cy > 0.64 else "")
    return (row + " " + col).strip() or "centre"


def analyse(img):
    """img uint8 [64,64,3] -> dict(bg, fg mask, per-pixel colour index)."""
    x = img.astype(np.float32)
    border = np.concatenate([x[:2].reshape(-1, 3), x[-2:].reshape(-1, 3), x[:, :2].reshape(-1, 3), x[:, -2:].reshape(-1, 3)])
    bg = np.median(border, 0)
    fg = np.linalg.norm(x - bg, axis=-1) > 60
    cidx = np.argmin(((x[..., None, :] - PAL) ** 2).sum(-1), -1)
    return bg, fg, cidx


def score_single(img, obj):
    bg, fg, cidx = analyse(img)
    H = img.shape[0]
    r = {"colour": False, "position": False, "shape": False, "size": False, "found": bool(fg.sum() >= 4)}
    if not r["found"]:
        return r
    counts = np.bincount(cidx[fg], minlength=len(PAL))
    colour = world.COLOUR_NAMES[int(counts.argmax())]
    ys, xs = np.nonzero(fg)
    cx, cy = (xs.mean() + 0.5) / H, (ys.mean() + 0.5) / H
    best, bshape, bsize = -1, None, None
    for s in world.SHAPE_NAMES:
        for z in world.SIZE_NAMES:
            tm = world.object_mask({"shape": s, "size": z, "cx": cx, "cy": cy}, H) > 0.5
            iou = (tm & fg).sum() / max((tm | fg).sum(), 1)
            if iou > best:
                best, bshape, bsize = iou, s, z
    r.update(colour=colour == obj["colour"], position=_grid_pos(cx, cy) == obj["position"], shape=bshape == obj["shape"],
             size=bsize == obj["size"], pred={"colour": colour, "position": _grid_pos(cx, cy), "shape": bshape,
                                               "size": bsize, "iou": float(best)})
    return r


def score_multi(img, objs):
    """Each object: pixels of its colour exist (>= 6) and their centroid is at its position."""
    bg, fg, cidx = analyse(img)
    H = img.shape[0]
    ok = []
    for o in objs:
        sel = fg & (cidx == world.COLOUR_NAMES.index(o["colour"]))
        if sel.sum() < 6:
            ok.append(False)
            continue
        ys, xs = np.nonzero(sel)
        ok.append(_grid_pos((xs.mean() + 0.5) / H, (ys.mean() + 0.5) / H) == o["position"])
    return ok


# ------------------------------------------------------------------ caption parsing (for folder mode)
_SYN = {}
for c, (_, syn) in world.COLOURS.items():
    for s in syn:
        _SYN[s] = ("colour", c)
for sh, syn in world.SHAPES.items():
    for s in syn:
        _SYN[s] = ("shape", sh)
for z, (_, syn) in world.SIZES.items():
    for s in syn:
        _SYN[s] = ("size", z)
_POS_RE = re.compile(r"(top|bottom)[- ](left|right)|\b(left|right|top|bottom|centre|center|middle)\b")


def _parse_obj(seg):
    o = {}
    seg = seg.replace("plus sign", "plus_sign")
    for w in re.findall(r"[a-z_]+", seg):
        w = w.replace("plus_sign", "plus sign")
        if w in _SYN:
            k, v = _SYN[w]
            o.setdefault(k, v)
    m = _POS_RE.search(seg)
    if m:
        p = m.group(0).replace("-", " ")
        o["position"] = {"center": "centre", "middle": "centre"}.get(p, p)
    return o


def parse_caption(text):
    t = text.lower()
    n_shapes = sum(1 for w in re.findall(r"[a-z]+", t.replace("plus sign", "plus")) if w in _SYN and _SYN[w][0] == "shape"
                   or w == "plus")
    if n_shapes <= 1:
        return [_parse_obj(t)]
    if ";" in t:
        segs = t.split(";")
    elif " and " in t:
        segs = t.split(" and ")
    else:
        segs = t.split(",")
    objs, pending = [], None
    for s in segs:
        o = _parse_obj(s)
        if "shape" in o:
            if pending and "position" not in o:
                o["position"] = pending
            objs.append(o)
            pending = None
        elif "position" in o:
            pending = o["position"]
    return objs


# ------------------------------------------------------------------ evaluations
def gen_scenes(n, split, seed, n_objects=1):
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        s = world.sample_scene(rng, split, n_objects=n_objects)
        if n_objects == 2 and s["objects"][0]["colour"] == s["objects"][1]["colour"]:
            continue
        out.append((s, world.caption(s, rng)))
    return out


@torch.no_grad()
def clip_zero_shot(m, n, seed=11):
    res = {}
    for split in ("heldout", "train"):
        scenes = [s for s, _ in gen_scenes(n, split, seed)]
        imgs = np.stack([world.render(s) for s in scenes])
        ie = torch.nn.functional.normalize(m.image_encoder(common.clip_preprocess(common.to_float(imgs))), dim=-1)
        acc = {}
        for attr, values in (("colour", world.COLOUR_NAMES), ("shape", world.SHAPE_NAMES),
                             ("position", world.POSITION_NAMES)):
            caps = []
            for s in scenes:
                for v in values:
                    o = dict(s["objects"][0], **{attr: v})
                    caps.append(world.canonical_caption({"background": s["background"], "objects": [o]}))
            ids, _ = m.tok(caps)
            te = torch.nn.functional.normalize(m.text_encoder(torch.from_numpy(ids).int())[0], dim=-1)
            te = te.reshape(len(scenes), len(values), -1)
            pred = (te @ ie[:, :, None])[..., 0].argmax(1)
            truth = torch.tensor([values.index(s["objects"][0][attr]) for s in scenes])
            acc[attr] = float((pred == truth).float().mean())
        res[split] = acc
    return res


def batched(fn, items, bs):
    out = []
    for i in range(0, len(items), bs):
        out.extend(fn(items[i:i + bs]))
    return out


def eval_t2i(m, scenes_caps, g, seed=21, bs=50):
    import reference_pipeline as R

    def run(chunk):
        img, _, _ = R.text_to_image(m, [c for _, c in chunk], ns=R.NoiseSource(seed + len(chunk)), **g)
        return list(R.to_u8(img))
    imgs = batched(run, scenes_caps, bs)
    return imgs


def summarise_single(imgs, scenes):
    rs = [score_single(im, s["objects"][0]) for im, s in zip(imgs, scenes)]
    k = ("colour", "position", "shape", "size")
    d = {a: float(np.mean([r[a] for r in rs])) for a in k}
    d["colour+position"] = float(np.mean([r["colour"] and r["position"] for r in rs]))
    d["n"] = len(rs)
    return d


def summarise_multi(imgs, scenes):
    rs = [score_multi(im, s["objects"]) for im, s in zip(imgs, scenes)]
    return {"both_objects": float(np.mean([all(r) for r in rs])), "per_object": float(np.mean([x for r in rs for x in r])),
            "n": len(rs)}


def eval_variation(m, n, g, seed=31, bs=50):
    import reference_pipeline as R
    scenes = [s for s, _ in gen_scenes(n, "train", seed)]
    src = np.stack([world.render(s) for s in scenes])
    out = []
    for i in range(0, n, bs):
        img, _, _ = R.variation(m, src[i:i + bs], ns=R.NoiseSource(seed + i), **g)
        out.extend(R.to_u8(img))
    rs = [score_single(im, s["objects"][0]) for im, s in zip(out, scenes)]
    return {"colour": float(np.mean([r["colour"] for r in rs])), "shape": float(np.mean([r["shape"] for r in rs])),
            "position": float(np.mean([r["position"] for r in rs])),
            "colour+shape": float(np.mean([r["colour"] and r["shape"] for r in rs])), "n": n}, out, src


def inpaint_cases(n, seed=41):
    rng = random.Random(seed)
    cases = []
    while len(cases) < n:
        s = world.sample_scene(rng, "train")
        j = rng.randrange(len(s["objects"]))
        o = s["objects"][j]
        others = {x["colour"] for x in s["objects"]}
        new = rng.choice([c for c in world.COLOUR_NAMES if c not in others and (c, o["shape"]) not in world.HELD_OUT])
        r = world.SIZES[o["size"]][0] * 16
        keep = torch.ones(1, 16, 16)
        y0, y1 = int(np.floor(o["cy"] * 16 - r - 1)), int(np.ceil(o["cy"] * 16 + r + 1))
        x0, x1 = int(np.floor(o["cx"] * 16 - r - 1)), int(np.ceil(o["cx"] * 16 + r + 1))
        keep[:, max(y0, 0):min(y1, 16), max(x0, 0):min(x1, 16)] = 0
        objs = [dict(x) for x in s["objects"]]
        objs[j]["colour"] = new
        target = {"background": s["background"], "objects": objs}
        cases.append((s, keep, world.caption(target, rng), objs[j]))
    return cases


def eval_inpaint(m, n, g, seed=41, bs=50):
    import reference_pipeline as R
    cases = inpaint_cases(n, seed)
    kept, colour, outs = [], [], []
    for i in range(0, n, bs):
        ch = cases[i:i + bs]
        src = np.stack([world.render(c[0]) for c in ch])
        keep = torch.stack([c[1] for c in ch])
        img, _, _ = R.inpaint(m, src, keep, [c[2] for c in ch], ns=R.NoiseSource(seed + i), **g)
        u8 = R.to_u8(img)
        k64 = torch.nn.functional.interpolate(keep, size=(64, 64), mode="nearest")[:, 0].numpy() > 0.5
        for b in range(len(ch)):
            kept.append(bool((u8[b][k64[b]] == src[b][k64[b]]).all()))
            bg, fg, cidx = analyse(u8[b])
            sel = fg & ~k64[b]
            if sel.sum() < 4:
                colour.append(False)
            else:
                colour.append(world.COLOUR_NAMES[int(np.bincount(cidx[sel], minlength=8).argmax())] == ch[b][3]["colour"])
            outs.append(u8[b])
    return {"kept_region_exact": float(np.mean(kept)), "repainted_colour": float(np.mean(colour)), "n": n}, outs


def sheet(imgs, path, cols=10):
    from PIL import Image
    imgs = list(imgs)[:cols * 4]
    rows = [np.concatenate(imgs[i:i + cols] + [np.zeros_like(imgs[0])] * (cols - len(imgs[i:i + cols])), 1)
            for i in range(0, len(imgs), cols)]
    Image.fromarray(np.concatenate(rows, 0)).save(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--out", default=os.path.join(common.WORK, "eval.json"))
    ap.add_argument("--folder")
    ap.add_argument("--captions")
    ap.add_argument("--guidance-search", action="store_true")
    ap.add_argument("--only", choices=["inpaint"], help="re-run one part and update the existing --out file")
    a = ap.parse_args()
    common.setup()
    if a.folder:
        from PIL import Image
        singles, multis = [], []
        for line in open(a.captions, encoding="utf-8"):
            if not line.strip():
                continue
            name, cap = line.rstrip("\n").split("\t", 1)
            img = np.asarray(Image.open(os.path.join(a.folder, name)).convert("RGB").resize((64, 64), Image.BICUBIC))
            objs = parse_caption(cap)
            if len(objs) == 1:
                o = objs[0]
                r = score_single(img, {**{"colour": None, "shape": None, "size": None, "position": "centre"}, **o})
                singles.append({k: r[k] for k in ("colour", "position", "shape")})
            else:
                multis.append(all(score_multi(img, [x for x in objs if "colour" in x and "position" in x])))
        res = {"single": {k: float(np.mean([s[k] for s in singles])) for k in ("colour", "position", "shape")} if singles else None,
               "single_n": len(singles), "two_objects_both": float(np.mean(multis)) if multis else None,
               "two_n": len(multis)}
        print(json.dumps(res, indent=1))
        return
    import reference_pipeline as R
    m = R.Models()
    g = dict(R.DEFAULTS)
    gp = os.path.join(common.WORK, "guidance.json")
    if os.path.exists(gp):
        g.update(json.load(open(gp)))
    if a.guidance_search:
        sc = gen_scenes(a.n, "train", 99)
        best = None
        res = {}
        for dg in (3.0, 5.0, 8.0):
            imgs = eval_t2i(m, sc, {**g, "decoder_guidance": dg}, seed=5)
            s = summarise_single(imgs, [x for x, _ in sc])
            score = s["colour"] + s["position"] + s["shape"]
            res[dg] = s
            log(f"decoder guidance {dg}: {s}")
            if best is None or score > best[0]:
                best = (score, dg)
        g["decoder_guidance"] = best[1]
        common.save_json(gp, {"decoder_guidance": best[1], "search": {str(k): v for k, v in res.items()}})
        log(f"chose decoder guidance {best[1]}")
        return
    g = {k: v for k, v in g.items() if k in R.DEFAULTS}
    if a.only == "inpaint":
        res = json.load(open(a.out))
        t0 = time.time()
        res["inpaint"], iout = eval_inpaint(m, max(a.n // 5, 10), g)
        log("inpaint", res["inpaint"])
        sheet(iout, os.path.join(common.WORK, "eval", "inpaint.png"))
        res["seconds"] = res.get("seconds", 0) + time.time() - t0
        common.save_json(a.out, res)
        return
    t0 = time.time()
    res = {"guidance": g}
    n = a.n
    res["clip_zero_shot"] = clip_zero_shot(m, n)
    log("clip", res["clip_zero_shot"])
    n_held = n // 3
    sc_in = gen_scenes(n - n_held, "train", 1001)
    sc_ho = gen_scenes(n_held, "heldout", 1002)
    imgs = eval_t2i(m, sc_in + sc_ho, g)
    res["t2i_single"] = summarise_single(imgs[:len(sc_in)], [s for s, _ in sc_in])
    res["t2i_single_heldout_pairs"] = summarise_single(imgs[len(sc_in):], [s for s, _ in sc_ho])
    res["t2i_single_all"] = summarise_single(imgs, [s for s, _ in sc_in + sc_ho])
    log("t2i", res["t2i_single"], res["t2i_single_heldout_pairs"])
    os.makedirs(os.path.join(common.WORK, "eval"), exist_ok=True)
    sheet(imgs, os.path.join(common.WORK, "eval", "t2i.png"))
    with open(os.path.join(common.WORK, "eval", "t2i_captions.txt"), "w") as f:
        f.writelines(c + "\n" for _, c in (sc_in + sc_ho)[:40])
    n2 = max(n // 5, 10)
    sc2 = gen_scenes(n2, "train", 1003, n_objects=2)
    imgs2 = eval_t2i(m, sc2, g)
    res["t2i_two_objects"] = summarise_multi(imgs2, [s for s, _ in sc2])
    log("t2i two", res["t2i_two_objects"])
    sheet(imgs2, os.path.join(common.WORK, "eval", "t2i_two.png"))
    nv = max(n // 5, 10)
    res["variation"], vout, vsrc = eval_variation(m, nv, g)
    log("variation", res["variation"])
    sheet([x for pair in zip(vsrc, vout) for x in pair], os.path.join(common.WORK, "eval", "variation.png"))
    res["inpaint"], iout = eval_inpaint(m, max(n // 5, 10), g)
    log("inpaint", res["inpaint"])
    sheet(iout, os.path.join(common.WORK, "eval", "inpaint.png"))
    res["seconds"] = time.time() - t0
    common.save_json(a.out, res)
    log(f"evaluation written to {a.out} ({res['seconds']:.0f}s)")


if __name__ == "__main__":
    main()
