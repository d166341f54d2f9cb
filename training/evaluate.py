"""Score the tiny pack against the renderer's ground truth.

  python3 evaluate.py [--n 300] [--out work/eval.json]            full evaluation of the PyTorch reference pipelines
                                                                   on a run's checkpoints (work/ckpt)
  python3 evaluate.py --pack models/tiny [--n 300]                 the same on a pack's own files (ONNX weights and
                                                                   side data rebuilt by tools/onnx_weights.py, settings
                                                                   from its pack.json); records the files' digests,
                                                                   which the model card checks
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
    bshape, bsize = _best_shape(fg, cx, cy, H)
    r.update(colour=colour == obj["colour"], position=_grid_pos(cx, cy) == obj["position"], shape=bshape == obj["shape"],
             size=bsize == obj["size"], pred={"colour": colour, "position": _grid_pos(cx, cy), "shape": bshape,
                                               "size": bsize})
    return r


_OFFSETS = {}


def _centroid_offset(shape, size, H):
    """Where a shape's pixel centroid lies relative to its drawing centre (a triangle's is 0.2 r lower, a star's
    lower too): templates are placed by the detected centroid, so without this a large triangle at its own centroid
    overlaps a small square better than itself (the scorer then missed 10 % of ground-truth renders)."""
    k = (shape, size, H)
    if k not in _OFFSETS:
        m = world.object_mask({"shape": shape, "size": size, "cx": 0.5, "cy": 0.5}, H)
        ys, xs = np.mgrid[0:H, 0:H]
        _OFFSETS[k] = (((xs + 0.5) * m).sum() / m.sum() / H - 0.5, ((ys + 0.5) * m).sum() / m.sum() / H - 0.5)
    return _OFFSETS[k]


def _best_shape(sel, cx, cy, H):
    """Shape and size whose rendered template, centroid on (cx, cy), overlaps the pixel set best (IoU)."""
    best, bshape, bsize = -1, None, None
    for s in world.SHAPE_NAMES:
        for z in world.SIZE_NAMES:
            ox, oy = _centroid_offset(s, z, H)
            tm = world.object_mask({"shape": s, "size": z, "cx": cx - ox, "cy": cy - oy}, H) > 0.5
            iou = (tm & sel).sum() / max((tm | sel).sum(), 1)
            if iou > best:
                best, bshape, bsize = iou, s, z
    return bshape, bsize


def _largest_component(mask):
    """The largest 8-connected set of True pixels (empty mask -> empty)."""
    H, W = mask.shape
    seen = np.zeros_like(mask)
    best = []
    for y0, x0 in zip(*np.nonzero(mask)):
        if seen[y0, x0]:
            continue
        comp, stack = [], [(y0, x0)]
        seen[y0, x0] = True
        while stack:
            y, x = stack.pop()
            comp.append((y, x))
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    v, u = y + dy, x + dx
                    if 0 <= v < H and 0 <= u < W and mask[v, u] and not seen[v, u]:
                        seen[v, u] = True
                        stack.append((v, u))
        if len(comp) > len(best):
            best = comp
    out = np.zeros_like(mask)
    if best:
        out[tuple(np.array(best).T)] = True
    return out


def score_multi(img, objs):
    """Each object right: its colour, position and shape. Its core = the largest connected set of foreground pixels of
    its colour (nearest of the full palette; a pink edge blended into black reads purple, but only as thin scraps);
    every foreground pixel then goes to the object with the nearest core pixel, so antialiased edges stay with their
    object: counting colour matches alone cut small crosses and star points off and failed 7 % of renders."""
    bg, fg, cidx = analyse(img)
    H = img.shape[0]
    cores = [_largest_component(fg & (cidx == world.COLOUR_NAMES.index(o["colour"]))) for o in objs]
    fy, fx = np.nonzero(fg)
    dist = []
    for core in cores:
        cy_, cx_ = np.nonzero(core)
        if len(cy_) == 0:
            dist.append(np.full(len(fy), np.inf))
        else:
            dist.append(np.min((fy[:, None] - cy_) ** 2 + (fx[:, None] - cx_) ** 2, 1))
    owner = np.argmin(np.stack(dist), 0) if len(fy) else np.zeros(0, int)
    ok = []
    for j, o in enumerate(objs):
        if cores[j].sum() < 6:
            ok.append(False)
            continue
        sel = np.zeros_like(fg)
        sel[fy[owner == j], fx[owner == j]] = True
        ys, xs = np.nonzero(sel)
        cx, cy = (xs.mean() + 0.5) / H, (ys.mean() + 0.5) / H
        right = _grid_pos(cx, cy) == o["position"]
        if "shape" in o:
            right = right and _best_shape(sel, cx, cy, H)[0] == o["shape"]
        ok.append(bool(right))
    return ok


def score_background(img, bg_name=None):
    """Mean abs difference (levels) of the border from the world background `bg_name` (or from the nearest of the
    four when None). Border = the outer 2-pixel ring; the quarter of its pixels farthest from the ring's median is
    dropped, because a large object in a corner legitimately reaches the ring. Grain counts, not only a shift."""
    x = img.astype(np.float32)
    ring = np.concatenate([x[:2].reshape(-1, 3), x[-2:].reshape(-1, 3), x[2:-2, :2].reshape(-1, 3),
                           x[2:-2, -2:].reshape(-1, 3)])
    d = np.abs(ring - np.median(ring, 0)).mean(1)
    ring = ring[d <= np.quantile(d, 0.75)]
    names = [bg_name] if bg_name else world.BACKGROUND_NAMES
    errs = {n: float(np.abs(ring - BGP[world.BACKGROUND_NAMES.index(n)]).mean()) for n in names}
    best = min(errs, key=errs.get)
    return {"levels": errs[best], "nearest": best, "ok": errs[best] <= 12.0}


def box_of(keep64):
    """(y0, y1, x0, x1) of the regenerated region (keep == False), half-open."""
    ys, xs = np.nonzero(~keep64)
    return ys.min(), ys.max() + 1, xs.min(), xs.max() + 1


def score_inpaint_colour(img, keep64, colour):
    """Colour of the repainted object, read on the object: inside the box, pixels far (> 60) from the box's own
    background (median of its 2-pixel inner rim); majority nearest palette colour. Reading the whole box would count
    a background that super-res shifted as object."""
    y0, y1, x0, x1 = box_of(keep64)
    x = img.astype(np.float32)
    box = x[y0:y1, x0:x1]
    rim = np.concatenate([box[:2].reshape(-1, 3), box[-2:].reshape(-1, 3), box[:, :2].reshape(-1, 3),
                          box[:, -2:].reshape(-1, 3)])
    sel = np.linalg.norm(box - np.median(rim, 0), axis=-1) > 60
    if sel.sum() < 4:
        return False
    cidx = np.argmin(((box[sel][:, None, :] - PAL) ** 2).sum(-1), -1)
    return world.COLOUR_NAMES[int(np.bincount(cidx, minlength=len(PAL)).argmax())] == colour


def score_seam(img, src, keep64, bg_name, band=2):
    """Seam (levels): mean abs difference between the output just inside the mask edge and just outside it, pixel
    pairs mirrored across each box side that is not the image border, counted where the source is background on
    both sides (another object beside the box is not a seam)."""
    y0, y1, x0, x1 = box_of(keep64)
    H = img.shape[0]
    o, s = img.astype(np.float32), src.astype(np.float32)
    isbg = np.abs(s - BGP[world.BACKGROUND_NAMES.index(bg_name)]).max(-1) <= 20
    diffs = []
    for k in range(band):
        pairs = []
        if y0 - 1 - k >= 0:
            pairs.append(((y0 + k, slice(x0, x1)), (y0 - 1 - k, slice(x0, x1))))
        if y1 + k < H:
            pairs.append(((y1 - 1 - k, slice(x0, x1)), (y1 + k, slice(x0, x1))))
        if x0 - 1 - k >= 0:
            pairs.append(((slice(y0, y1), x0 + k), (slice(y0, y1), x0 - 1 - k)))
        if x1 + k < H:
            pairs.append(((slice(y0, y1), x1 - 1 - k), (slice(y0, y1), x1 + k)))
        for i, u in pairs:
            both = isbg[i] & isbg[u]
            diffs.append(np.abs(o[i] - o[u])[both].reshape(-1))
    d = np.concatenate(diffs) if diffs else np.zeros(0)
    return float(d.mean()) if d.size else 0.0


def score_kept(img, src, keep64):
    """The region outside the mask must be the source, bit for bit."""
    return bool((img[keep64] == src[keep64]).all())


def score_interpolation(frames):
    """Largest frame-to-frame change (mean abs, levels) over the median change; a smooth path is <= 2. A median
    below one level (frames nearly identical) counts as one level, so that no change at all is no jump."""
    f = np.stack(frames).astype(np.float32)
    d = np.abs(f[1:] - f[:-1]).mean((1, 2, 3))
    return {"changes": [float(v) for v in d], "ratio": float(d.max() / max(np.median(d), 1.0))}


def _neighbour_median(m):
    """Per pixel, the median of its (up to 8) neighbours, the pixel itself excluded."""
    H, W, _ = m.shape
    p = np.pad(m, ((1, 1), (1, 1), (0, 0)), constant_values=np.nan)
    nb = np.stack([p[1 + dy:1 + dy + H, 1 + dx:1 + dx + W] for dy in (-1, 0, 1) for dx in (-1, 0, 1)
                   if (dy, dx) != (0, 0)])
    return np.nanmedian(nb, 0)


def score_fixed_artefacts(imgs, renders, tol=3.0, rate_tol=0.10):
    """Fixed-position artefacts (a stray pixel that sits at the same place in many images, e.g. at (0,0)), two ways,
    each against the world's renders of the same scenes:
    - mean: the per-pixel mean over the images minus the median of its 8 neighbours must stay within the renders'
      largest such deviation + tol levels (neighbours, not the renders' mean, so that a global background shift,
      scored by score_background, stays out of this measure);
    - stray rate: per pixel, the share of images where it differs by > 30 levels from its neighbours' median must stay
      within the renders' largest share + rate_tol. A stray pixel of varying colour hardly moves the mean (the tiny
      pack's (0,0) is stray in 55 % of images, its mean only 3 levels off), so the mean alone misses it."""
    f = lambda xs: [x.astype(np.float32) for x in xs]
    dev = lambda xs: np.abs((m := np.stack(xs).mean(0)) - _neighbour_median(m)).mean(-1)
    rate = lambda xs: np.mean([np.abs(x - _neighbour_median(x)).max(-1) > 30 for x in xs], 0)
    g, w = dev(f(imgs)), dev(f(renders))
    gr, wr = rate(f(imgs)), rate(f(renders))
    at = lambda a: [int(v) for v in np.unravel_index(int(a.argmax()), a.shape)]
    return {"max_dev": float(g.max()), "at": at(g), "world_max_dev": float(w.max()),
            "stray_rate": float(gr.max()), "stray_at": at(gr), "world_stray_rate": float(wr.max()),
            "ok": bool(g.max() <= w.max() + tol and gr.max() <= wr.max() + rate_tol), "n": len(imgs)}


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


def caption_background(text):
    """The world background a caption names ("... on a dark background", "on sand"), or None."""
    for w in re.findall(r"[a-z]+", text.lower()):
        for b, (_, syn) in world.BACKGROUNDS.items():
            if w in syn:
                return b
    return None


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
        # background too: a variation's decoder sees nothing of the source but this embedding, so a background CLIP
        # does not encode cannot be kept (issue 12)
        for attr, values in (("colour", world.COLOUR_NAMES), ("shape", world.SHAPE_NAMES),
                             ("position", world.POSITION_NAMES), ("background", world.BACKGROUND_NAMES)):
            caps = []
            for s in scenes:
                for v in values:
                    if attr == "background":
                        caps.append(world.canonical_caption({"background": v, "objects": s["objects"][:1]}))
                    else:
                        o = dict(s["objects"][0], **{attr: v})
                        caps.append(world.canonical_caption({"background": s["background"], "objects": [o]}))
            ids, _ = m.tok(caps)
            te = torch.nn.functional.normalize(m.text_encoder(torch.from_numpy(ids).int())[0], dim=-1)
            te = te.reshape(len(scenes), len(values), -1)
            pred = (te @ ie[:, :, None])[..., 0].argmax(1)
            truth = torch.tensor([values.index(s["background"] if attr == "background" else s["objects"][0][attr])
                                  for s in scenes])
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


# ------------------------------------------------------------------ the issue-12 measures on one set of cases
# make_cases() fixes what is asked (scenes, captions, masks, image pairs); something produces the images (the
# PyTorch reference, the Java engine through tools/engine_samples.py, or world.render for --validate); score_cases()
# scores them. The three routes share every scorer above.
def make_cases(n=300):
    n_held, n5 = n // 3, max(n // 5, 10)
    t2i = [{"scene": s, "caption": c, "split": "train"} for s, c in gen_scenes(n - n_held, "train", 1001)]
    t2i += [{"scene": s, "caption": c, "split": "heldout"} for s, c in gen_scenes(n_held, "heldout", 1002)]
    two = [{"scene": s, "caption": c} for s, c in gen_scenes(n5, "train", 1003, n_objects=2)]
    var = [{"scene": s} for s, _ in gen_scenes(n5, "train", 31)]
    inp = [{"scene": sc, "keep16": keep[0].int().tolist(), "caption": cap, "colour": obj["colour"],
            "target": {"background": sc["background"], "objects": [obj if x["cx"] == obj["cx"] else x
                                                                   for x in sc["objects"]]}}
           for sc, keep, cap, obj in inpaint_cases(n5)]
    ab = [s for s, _ in gen_scenes(2 * max(n // 15, 5), "train", 51)]
    interp = [{"a": ab[i], "b": ab[i + 1]} for i in range(0, len(ab), 2)]
    return {"t2i": t2i, "two": two, "variation": var, "inpaint": inp, "interpolation": interp}


def keep64(case):
    """The inpainting keep-mask at 64 px (nearest, as the engine and the reference read a 16 px mask)."""
    k = np.asarray(case["keep16"], dtype=bool)
    return np.repeat(np.repeat(k, 4, 0), 4, 1)


def ground_truth(cases, seed=0):
    """What a perfect pack would return, from the renderer: the evaluator's own test (--validate)."""
    rng = random.Random(seed)
    R = world.render
    out = {"t2i": [R(c["scene"]) for c in cases["t2i"]], "two": [R(c["scene"]) for c in cases["two"]]}
    # a variation keeps colour, shape, size and background; it may move the object
    out["variation"] = [R({"background": c["scene"]["background"], "objects": [
        world.make_object(rng, o["colour"], o["shape"], o["size"]) for o in c["scene"]["objects"]]})
        for c in cases["variation"]]
    out["inpaint"] = []
    for c in cases["inpaint"]:
        k = keep64(c)[..., None]
        out["inpaint"].append(np.where(k, R(c["scene"]), R(c["target"])))
    out["interpolation"] = [[np.round(R(c["a"]) * (1 - t) + R(c["b"]) * t).astype(np.uint8)
                             for t in np.linspace(0, 1, 5)] for c in cases["interpolation"]]
    # fixed artefacts: other renders of the same kind (new scenes) against the cases' renders
    out["artefact_images"] = [R(s) for s, _ in gen_scenes(min(100, len(cases["t2i"])), "any", 77)]
    return out


def _rate(xs):
    return float(np.mean(xs)) if len(xs) else None


def score_cases(cases, out):
    """out: images per kind (interpolation: a list of frames per pair). Returns every measure of issue 12."""
    res = {}
    rs = [score_single(im, c["scene"]["objects"][0]) for im, c in zip(out["t2i"], cases["t2i"])]
    for split in ("train", "heldout", "all"):
        sel = [r for r, c in zip(rs, cases["t2i"]) if split in ("all", c["split"])]
        d = {a: _rate([r[a] for r in sel]) for a in ("colour", "position", "shape", "size")}
        d["fully_right"] = _rate([r["colour"] and r["position"] and r["shape"] for r in sel])
        d["n"] = len(sel)
        res["t2i_" + split] = d
    bgs = [score_background(im, caption_background(c["caption"])) for im, c in zip(out["t2i"], cases["t2i"])]
    res["background"] = {"ok": _rate([b["ok"] for b in bgs]), "mean_levels": _rate([b["levels"] for b in bgs]),
                         "median_levels": float(np.median([b["levels"] for b in bgs])), "n": len(bgs)}
    two = [score_multi(im, c["scene"]["objects"]) for im, c in zip(out["two"], cases["two"])]
    res["two_objects"] = {"both": _rate([all(r) for r in two]), "per_object": _rate([x for r in two for x in r]),
                          "n": len(two)}
    vs = []
    for im, c in zip(out["variation"], cases["variation"]):
        r = score_single(im, c["scene"]["objects"][0])
        b = score_background(im, c["scene"]["background"])["ok"]
        vs.append((r["colour"], r["shape"], b, r["position"]))
    res["variation"] = {"colour": _rate([v[0] for v in vs]), "shape": _rate([v[1] for v in vs]),
                        "background": _rate([v[2] for v in vs]), "all": _rate([all(v[:3]) for v in vs]),
                        "position": _rate([v[3] for v in vs]), "colour+shape": _rate([v[0] and v[1] for v in vs]),
                        "n": len(vs)}
    col, seam, kept = [], [], []
    for im, c in zip(out["inpaint"], cases["inpaint"]):
        k, src = keep64(c), world.render(c["scene"])
        col.append(score_inpaint_colour(im, k, c["colour"]))
        seam.append(score_seam(im, src, k, c["scene"]["background"]))
        kept.append(score_kept(im, src, k))
    res["inpaint"] = {"colour": _rate(col), "seam_mean": _rate(seam), "seam_ok": _rate([x <= 8 for x in seam]),
                      "kept_exact": _rate(kept), "n": len(col)}
    it = [score_interpolation(f) for f in out["interpolation"]]
    gaps = np.array([r["changes"] for r in it])
    res["interpolation"] = {"ok": _rate([r["ratio"] <= 2 for r in it]), "median_ratio": float(np.median(
        [r["ratio"] for r in it])), "mean_change_per_gap": [round(float(v), 2) for v in gaps.mean(0)], "n": len(it)}
    k = min(100, len(out["t2i"]))
    arte = out.get("artefact_images", out["t2i"])[:k]
    res["fixed_artefacts"] = score_fixed_artefacts(arte, [world.render(c["scene"]) for c in cases["t2i"][:k]])
    res["targets"] = targets(res)
    return res


def targets(r):
    """Issue 12's table: (measure, value, target, met)."""
    tr, ho = r["t2i_train"], r["t2i_heldout"]
    gap = max(tr[a] - ho[a] for a in ("colour", "position", "shape")) if ho["n"] else 0.0
    rows = [("t2i colour", r["t2i_all"]["colour"], ">= 0.95", r["t2i_all"]["colour"] >= 0.95),
            ("t2i position", r["t2i_all"]["position"], ">= 0.98", r["t2i_all"]["position"] >= 0.98),
            ("t2i shape", r["t2i_all"]["shape"], ">= 0.90", r["t2i_all"]["shape"] >= 0.90),
            ("t2i held-out gap (points)", 100 * gap, "<= 5", gap <= 0.05),
            ("background within 12 levels", r["background"]["ok"], ">= 0.95", r["background"]["ok"] >= 0.95),
            ("two objects both right", r["two_objects"]["both"], ">= 0.60", r["two_objects"]["both"] >= 0.60),
            ("variations keep colour+shape+background", r["variation"]["all"], ">= 0.90", r["variation"]["all"] >= 0.9),
            ("inpainting colour (on the object)", r["inpaint"]["colour"], ">= 0.85", r["inpaint"]["colour"] >= 0.85),
            ("inpainting seam (levels, mean)", r["inpaint"]["seam_mean"], "<= 8", r["inpaint"]["seam_mean"] <= 8),
            ("inpainting outside mask bit-identical", r["inpaint"]["kept_exact"], "= 1", r["inpaint"]["kept_exact"] == 1),
            ("interpolation max change <= 2x median", r["interpolation"]["ok"], "all pairs",
             r["interpolation"]["ok"] == 1),
            ("fixed artefacts: mean's local dev (levels)", r["fixed_artefacts"]["max_dev"],
             f"<= {r['fixed_artefacts']['world_max_dev'] + 3:.1f}",
             r["fixed_artefacts"]["max_dev"] <= r["fixed_artefacts"]["world_max_dev"] + 3),
            ("fixed artefacts: stray-pixel rate (worst pixel)", r["fixed_artefacts"]["stray_rate"],
             f"<= {r['fixed_artefacts']['world_stray_rate'] + 0.1:.2f}",
             r["fixed_artefacts"]["stray_rate"] <= r["fixed_artefacts"]["world_stray_rate"] + 0.1)]
    return [{"measure": m, "value": round(float(v), 3), "target": t, "met": bool(ok)} for m, v, t, ok in rows]


def print_targets(res):
    for t in res["targets"]:
        print(f"  {t['measure']:<46} {t['value']:>8}  target {t['target']:<10} {'met' if t['met'] else 'NOT met'}")


def read_folder(folder, cases):
    """Images written by tools/engine_samples.py: <kind>/<index>.png (interpolation: <index>-<frame>.png)."""
    from PIL import Image
    rd = lambda p: np.asarray(Image.open(os.path.join(folder, p)).convert("RGB").resize((64, 64), Image.BICUBIC))
    out = {k: [rd(f"{k}/{i:04d}.png") for i in range(len(cases[k]))] for k in ("t2i", "two", "variation", "inpaint")}
    out["interpolation"] = [[rd(f"interpolation/{i:04d}-{f}.png") for f in range(5)]
                            for i in range(len(cases["interpolation"]))]
    return out


def contact_sheets(cases, out, folder, cols=10):
    """One PNG per kind: text->image, variations (source, output), interpolation (a row of frames per pair),
    inpainting (source, output)."""
    os.makedirs(folder, exist_ok=True)
    R = world.render
    sheet(out["t2i"], os.path.join(folder, "t2i.png"), cols)
    sheet([x for c, o in zip(cases["variation"], out["variation"]) for x in (R(c["scene"]), o)],
          os.path.join(folder, "variation.png"), cols)
    sheet([x for c, o in zip(cases["inpaint"], out["inpaint"]) for x in (R(c["scene"]), o)],
          os.path.join(folder, "inpaint.png"), cols)
    rows = [[R(c["a"])] + list(f) + [R(c["b"])] for c, f in zip(cases["interpolation"][:6], out["interpolation"])]
    sheet([x for r in rows for x in r], os.path.join(folder, "interpolation.png"), 7, rows=6)


def reference_images(m, cases, g, seed=21):
    """The PyTorch reference pipelines on make_cases()'s cases (what score_cases expects)."""
    import reference_pipeline as R
    u8 = lambda f: list(R.to_u8(f))
    out = {"t2i": eval_t2i(m, [(c["scene"], c["caption"]) for c in cases["t2i"]], g, seed),
           "two": eval_t2i(m, [(c["scene"], c["caption"]) for c in cases["two"]], g, seed + 1)}
    src = np.stack([world.render(c["scene"]) for c in cases["variation"]])
    out["variation"] = []
    for i in range(0, len(src), 50):
        out["variation"] += u8(R.variation(m, src[i:i + 50], ns=R.NoiseSource(seed + 2 + i), **g)[0])
    out["inpaint"] = []
    ic = cases["inpaint"]
    for i in range(0, len(ic), 50):
        ch = ic[i:i + 50]
        keep = torch.tensor([c["keep16"] for c in ch], dtype=torch.float32)[:, None]
        img = R.inpaint(m, np.stack([world.render(c["scene"]) for c in ch]), keep, [c["caption"] for c in ch],
                        ns=R.NoiseSource(seed + 3 + i), **g)[0]
        out["inpaint"] += u8(img)
    out["interpolation"] = [u8(R.interpolate(m, world.render(c["a"])[None], world.render(c["b"])[None],
                                             seed=seed + 4 + i, **g)) for i, c in enumerate(cases["interpolation"])]
    return out


def sheet(imgs, path, cols=10, rows=4):
    from PIL import Image
    imgs = list(imgs)[:cols * rows]
    rows = [np.concatenate(imgs[i:i + cols] + [np.zeros_like(imgs[0])] * (cols - len(imgs[i:i + cols])), 1)
            for i in range(0, len(imgs), cols)]
    Image.fromarray(np.concatenate(rows, 0)).save(path)


def guidance_search(m, g, n):
    """The decoder guidance (of 2, 3) that scores best on text→image colour + position + shape + background,
    variations kept and interpolation pairs, equally weighted: returns (chosen, {guidance: scores})."""
    import reference_pipeline as R
    sc = gen_scenes(n, "train", 99)
    # the decoder guidance serves variations and interpolation as well: they are scored too, on cases of their
    # own (other seeds than make_cases', so that the evaluation does not choose its own setting)
    var = [s for s, _ in gen_scenes(n, "train", 98)]
    # n / 2 pairs: with n / 6 (10 pairs at n = 60) two pairs decided the v7 search against guidance 2, which its
    # own background and variation cases and 60 further pairs all preferred (STATUS.md 2026-12-06)
    pairs = [s for s, _ in gen_scenes(2 * max(n // 2, 2), "train", 97)]
    best = None
    res = {}
    # 2.0 since 2026-12-06, 8.0 and 5.0 no more: a decoder trained further needs less (STATUS.md 2026-12-06)
    for dg in (2.0, 3.0):
        gd = {**g, "decoder_guidance": dg}
        imgs = eval_t2i(m, sc, gd, seed=5)
        s = summarise_single(imgs, [x for x, _ in sc])
        # background counts as much as the object's three: the issue 12 measure guidance moves most (the v2
        # pack's decoder: 28 % of backgrounds within 12 levels at 3.0, 40 % at 8.0, training/STATUS.md)
        s["background"] = float(np.mean([score_background(im, caption_background(c))["ok"]
                                         for im, (_, c) in zip(imgs, sc)]))
        vimgs = []
        for i in range(0, len(var), 50):
            src = np.stack([world.render(x) for x in var[i:i + 50]])
            vimgs += list(R.to_u8(R.variation(m, src, ns=R.NoiseSource(6 + i), **gd)[0]))
        s["variation"] = float(np.mean([score_background(im, x["background"])["ok"] and all(
            score_single(im, x["objects"][0])[k] for k in ("colour", "shape")) for im, x in zip(vimgs, var)]))
        s["interpolation"] = float(np.mean([score_interpolation(list(R.to_u8(R.interpolate(
            m, world.render(pairs[i])[None], world.render(pairs[i + 1])[None], seed=7 + i, **gd))))
            ["ratio"] <= 2 for i in range(0, len(pairs), 2)]))
        score = sum(s[k] for k in ("colour", "position", "shape", "background", "variation", "interpolation"))
        res[dg] = s
        log(f"decoder guidance {dg}: {s}")
        if best is None or score > best[0]:
            best = (score, dg)
    return best[1], res


def pack_settings(manifest):
    """The generation settings a pack's pack.json gives the studio, in reference_pipeline.DEFAULTS' keys."""
    st = manifest["stages"]
    return {"prior_steps": st["prior"]["scheduler"]["respacing"], "prior_guidance": st["prior"]["guidance_scale"],
            "decoder_steps": st["decoder"]["scheduler"]["respacing"],
            "decoder_guidance": st["decoder"]["guidance_scale"],
            "sr_steps": st["super_res_first"]["scheduler"]["respacing"],
            "inpaint_steps": st["inpaint_base"]["scheduler"]["respacing"],
            "inpaint_guidance": st["inpaint_base"]["guidance_scale"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--out", default=os.path.join(common.WORK, "eval.json"))
    ap.add_argument("--folder")
    ap.add_argument("--pack", help="score this pack's files with its own settings instead of the checkpoints")
    ap.add_argument("--captions")
    ap.add_argument("--guidance-search", action="store_true")
    ap.add_argument("--only", choices=["inpaint"], help="re-run one part and update the existing --out file")
    ap.add_argument("--validate", action="store_true", help="score the renderer's ground truth (the scorer's test)")
    ap.add_argument("--sheets", help="folder mode: write contact sheets (t2i, variation, interpolation, inpaint) here")
    a = ap.parse_args()
    if a.pack and (a.guidance_search or a.folder or a.validate):
        ap.error("--pack scores a pack's own files with its own settings; it goes with --n, --out and --only")
    common.setup()
    if a.validate:
        cases = make_cases(a.n)
        res = score_cases(cases, ground_truth(cases))
        print(json.dumps({k: v for k, v in res.items() if k != "targets"}, indent=1))
        print_targets(res)
        return
    if a.folder and not a.captions:
        # images from tools/engine_samples.py (the Java engine), with their cases.json
        cases = json.load(open(os.path.join(a.folder, "cases.json")))
        out = read_folder(a.folder, cases)
        res = score_cases(cases, out)
        common.save_json(os.path.join(a.folder, "eval.json"), res)
        print(json.dumps({k: v for k, v in res.items() if k != "targets"}, indent=1))
        print_targets(res)
        if a.sheets:
            contact_sheets(cases, out, a.sheets)
        return
    if a.folder:
        # any PNGs with captions: text->image measures read from the caption alone
        from PIL import Image
        singles, multis, bgs = [], [], []
        for line in open(a.captions, encoding="utf-8"):
            if not line.strip():
                continue
            name, cap = line.rstrip("\n").split("\t", 1)
            img = np.asarray(Image.open(os.path.join(a.folder, name)).convert("RGB").resize((64, 64), Image.BICUBIC))
            objs = parse_caption(cap)
            bgs.append(score_background(img, caption_background(cap))["ok"])
            if len(objs) == 1:
                o = objs[0]
                r = score_single(img, {**{"colour": None, "shape": None, "size": None, "position": "centre"}, **o})
                singles.append({k: r[k] for k in ("colour", "position", "shape")})
            else:
                multis.append(all(score_multi(img, [x for x in objs if "colour" in x and "position" in x])))
        res = {"single": {k: float(np.mean([s[k] for s in singles])) for k in ("colour", "position", "shape")} if singles else None,
               "single_n": len(singles), "two_objects_both": float(np.mean(multis)) if multis else None,
               "two_n": len(multis), "background_ok": float(np.mean(bgs)) if bgs else None}
        print(json.dumps(res, indent=1))
        return
    import reference_pipeline as R
    if a.pack:
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools"))
        import onnx_weights
        m = onnx_weights.PackModels(a.pack)
        g = pack_settings(json.load(open(os.path.join(a.pack, "pack.json"))))
    else:
        m = R.Models()
        g = dict(R.DEFAULTS)
        gp = os.path.join(common.WORK, "guidance.json")
        if os.path.exists(gp):
            g.update(json.load(open(gp)))
    if a.guidance_search:
        chosen, res = guidance_search(m, g, a.n)
        common.save_json(gp, {"decoder_guidance": chosen, "search": {str(k): v for k, v in res.items()}})
        log(f"chose decoder guidance {chosen}")
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
    if a.pack:
        res["pack"] = {"dir": os.path.abspath(a.pack), "files": common.pack_files(a.pack)}
    n = a.n
    res["clip_zero_shot"] = clip_zero_shot(m, n)
    log("clip", res["clip_zero_shot"])
    cases = make_cases(n)
    out = reference_images(m, cases, g)
    res.update(score_cases(cases, out))
    for k in ("t2i_train", "t2i_heldout", "background", "two_objects", "variation", "inpaint", "interpolation",
              "fixed_artefacts"):
        log(k, res[k])
    contact_sheets(cases, out, os.path.join(common.WORK, "eval"))
    # the model card's older keys
    res["t2i_single"], res["t2i_single_heldout_pairs"] = res["t2i_train"], res["t2i_heldout"]
    res["t2i_single_all"] = res["t2i_all"]
    res["t2i_two_objects"] = {"both_objects": res["two_objects"]["both"], **res["two_objects"]}
    res["inpaint"].update(kept_region_exact=res["inpaint"]["kept_exact"], repainted_colour=res["inpaint"]["colour"])
    res["seconds"] = time.time() - t0
    common.save_json(a.out, res)
    log(f"evaluation written to {a.out} ({res['seconds']:.0f}s)")


if __name__ == "__main__":
    main()
