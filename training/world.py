"""Deterministic synthetic world for the tiny pack: coloured shapes on plain backgrounds, with captions.

render(scene) -> uint8 HxWx3 numpy array (64x64, antialiased by 4x supersampling).
sample_scene(rng, ...) -> scene dict with ground truth; caption(scene, rng) -> str.
"""
import math
import random

import numpy as np
from PIL import Image, ImageDraw

SIZE = 64
SS = 4  # supersampling factor

COLOURS = {  # name -> (rgb, synonyms)
    "red": ((220, 30, 30), ["red", "crimson", "scarlet"]),
    "green": ((30, 160, 50), ["green", "emerald"]),
    "blue": ((35, 70, 225), ["blue", "azure"]),
    "yellow": ((245, 215, 30), ["yellow", "golden"]),
    "purple": ((135, 45, 175), ["purple", "violet"]),
    "orange": ((250, 135, 20), ["orange", "amber"]),
    "cyan": ((30, 205, 215), ["cyan", "teal", "turquoise"]),
    "pink": ((250, 125, 185), ["pink", "rose"]),
}
COLOUR_NAMES = list(COLOURS)
SHAPES = {
    "circle": ["circle", "disc", "dot"],
    "square": ["square", "box", "block"],
    "triangle": ["triangle"],
    "star": ["star"],
    "ring": ["ring", "donut", "hoop"],
    "cross": ["cross", "plus sign"],
}
SHAPE_NAMES = list(SHAPES)
SIZES = {"small": (0.15, ["small", "tiny", "little"]), "large": (0.21, ["large", "big", "huge"])}
SIZE_NAMES = list(SIZES)
POSITIONS = {  # name -> ((cx, cy) in [0,1], phrases)
    "centre": ((0.5, 0.5), ["in the centre", "in the center", "in the middle"]),
    "left": ((0.22, 0.5), ["on the left", "at the left"]),
    "right": ((0.78, 0.5), ["on the right", "at the right"]),
    "top": ((0.5, 0.22), ["at the top", "on top"]),
    "bottom": ((0.5, 0.78), ["at the bottom", "on the bottom"]),
    "top left": ((0.22, 0.22), ["in the top left corner", "at the top left", "top-left"]),
    "top right": ((0.78, 0.22), ["in the top right corner", "at the top right", "top-right"]),
    "bottom left": ((0.22, 0.78), ["in the bottom left corner", "at the bottom left", "bottom-left"]),
    "bottom right": ((0.78, 0.78), ["in the bottom right corner", "at the bottom right", "bottom-right"]),
}
POSITION_NAMES = list(POSITIONS)
BACKGROUNDS = {
    "white": ((245, 245, 242), ["white"]),
    "black": ((22, 22, 26), ["black", "dark"]),
    "grey": ((128, 128, 128), ["grey", "gray"]),
    "beige": ((228, 212, 178), ["beige", "sand"]),
}
BACKGROUND_NAMES = list(BACKGROUNDS)

# colour x shape pairs never shown in training (compositional generalisation test)
HELD_OUT = {("red", "star"), ("blue", "ring"), ("green", "triangle"), ("yellow", "cross"),
            ("purple", "circle"), ("orange", "square"), ("cyan", "star"), ("pink", "triangle")}


def is_held_out(scene):
    return any((o["colour"], o["shape"]) in HELD_OUT for o in scene["objects"])


def _star_points(cx, cy, r, n=5):
    pts = []
    for k in range(2 * n):
        rr = r if k % 2 == 0 else r * 0.45
        a = -math.pi / 2 + k * math.pi / n
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    return pts


def _draw_shape(d, shape, cx, cy, r, fill, bg):
    if shape == "circle":
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill)
    elif shape == "square":
        s = r * 0.88
        d.rectangle([cx - s, cy - s, cx + s, cy + s], fill=fill)
    elif shape == "triangle":
        d.polygon([(cx, cy - r), (cx + r * 0.95, cy + r * 0.8), (cx - r * 0.95, cy + r * 0.8)], fill=fill)
    elif shape == "star":
        d.polygon(_star_points(cx, cy + r * 0.08, r * 1.1), fill=fill)
    elif shape == "ring":
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill)
        ri = r * 0.5
        d.ellipse([cx - ri, cy - ri, cx + ri, cy + ri], fill=bg)
    elif shape == "cross":
        w = r * 0.36
        d.rectangle([cx - r, cy - w, cx + r, cy + w], fill=fill)
        d.rectangle([cx - w, cy - r, cx + w, cy + r], fill=fill)
    else:
        raise ValueError(shape)


def render(scene, size=SIZE):
    """Render a scene to uint8 [size,size,3]. Deterministic (no randomness inside)."""
    S = size * SS
    bg = BACKGROUNDS[scene["background"]][0]
    img = Image.new("RGB", (S, S), bg)
    d = ImageDraw.Draw(img)
    for o in scene["objects"]:
        cx, cy = o["cx"] * S, o["cy"] * S
        r = SIZES[o["size"]][0] * S
        _draw_shape(d, o["shape"], cx, cy, r, COLOURS[o["colour"]][0], bg)
    img = img.resize((size, size), Image.BOX)
    return np.asarray(img, dtype=np.uint8).copy()


def object_mask(obj, size=SIZE):
    """Float mask [size,size] of one object's pixels (antialiased coverage in [0,1])."""
    return _coverage(obj["shape"], obj["cx"], obj["cy"], SIZES[obj["size"]][0], size)


def _coverage(shape, cx, cy, r, size):
    """Antialiased coverage [size,size] in [0,1] of a shape centred at (cx, cy), radius r (fractions of the side)."""
    S = size * SS
    img = Image.new("L", (S, S), 0)
    _draw_shape(ImageDraw.Draw(img), shape, cx * S, cy * S, r * S, 255, 0)
    img = img.resize((size, size), Image.BOX)
    return np.asarray(img, dtype=np.float32) / 255.0


def morph(a, b, t, size=SIZE):
    """A frame of the path from scene a (t = 0) to scene b (t = 1), float [size,size,3] in 0..255: the background
    colour, and each object's position, radius and colour move linearly; its shape is the two shapes' coverages mixed
    (1 - t : t) at the moving position. Objects pair by index; one without a partner fades out (or in) where it is.
    The decoder learns interpolation from these (train.py, DECODER_MORPH): renders alone never show it what lies
    between two scenes, so a well-trained decoder turns the slerp between their embeddings into a jump."""
    lerp = lambda u, v: (1 - t) * np.asarray(u, np.float32) + t * np.asarray(v, np.float32)
    img = np.broadcast_to(lerp(BACKGROUNDS[a["background"]][0], BACKGROUNDS[b["background"]][0]),
                          (size, size, 3)).copy()
    oa, ob = a["objects"], b["objects"]
    for k in range(max(len(oa), len(ob))):
        p, q = (oa[k] if k < len(oa) else None), (ob[k] if k < len(ob) else None)
        if p and q:
            cx, cy = float(lerp(p["cx"], q["cx"])), float(lerp(p["cy"], q["cy"]))
            r = float(lerp(SIZES[p["size"]][0], SIZES[q["size"]][0]))
            cov = (1 - t) * _coverage(p["shape"], cx, cy, r, size) + t * _coverage(q["shape"], cx, cy, r, size)
            colour = lerp(COLOURS[p["colour"]][0], COLOURS[q["colour"]][0])
        else:
            o, w = (p, 1 - t) if p else (q, t)
            cov, colour = w * object_mask(o, size), np.asarray(COLOURS[o["colour"]][0], np.float32)
        img = img * (1 - cov[..., None]) + colour * cov[..., None]
    return img


def make_object(rng, colour=None, shape=None, size=None, position=None, jitter=0.03):
    colour = colour or rng.choice(COLOUR_NAMES)
    shape = shape or rng.choice(SHAPE_NAMES)
    size = size or rng.choice(SIZE_NAMES)
    position = position or rng.choice(POSITION_NAMES)
    (px, py), _ = POSITIONS[position]
    return {"colour": colour, "shape": shape, "size": size, "position": position,
            "cx": px + rng.uniform(-jitter, jitter), "cy": py + rng.uniform(-jitter, jitter)}


def sample_scene(rng, split="train", n_objects=None, p_two=0.35):
    """split: 'train' never contains a HELD_OUT pair; 'heldout' has at least one; 'any' is unrestricted."""
    while True:
        n = n_objects or (2 if rng.random() < p_two else 1)
        bg = rng.choice(BACKGROUND_NAMES)
        objs = []
        used_pos = set()
        for _ in range(n):
            for _attempt in range(30):
                o = make_object(rng)
                if o["position"] not in used_pos and not (objs and _too_close(objs[0], o)):
                    used_pos.add(o["position"])
                    objs.append(o)
                    break
        if len(objs) < n:
            continue  # a large first object (e.g. in the centre) leaves no room for a second: draw the scene again
        if n == 2 and objs[0]["colour"] == objs[1]["colour"] and objs[0]["shape"] == objs[1]["shape"]:
            continue
        scene = {"background": bg, "objects": objs}
        h = is_held_out(scene)
        if split == "train" and h:
            continue
        if split == "heldout" and not h:
            continue
        return scene


def swap(scene, key):
    """The scene with its two objects' colours, shapes or places ("position": centre and grid cell) exchanged: the
    same attributes, bound the other way round (CLIP's hard negatives, train.py CLIP_HARD_PAIRS)."""
    s = {"background": scene["background"], "objects": [dict(o) for o in scene["objects"]]}
    a, b = s["objects"]
    for k in (("position", "cx", "cy") if key == "position" else (key,)):
        a[k], b[k] = b[k], a[k]
    return s


def _too_close(a, b):
    ra, rb = SIZES[a["size"]][0], SIZES[b["size"]][0]
    return max(abs(a["cx"] - b["cx"]), abs(a["cy"] - b["cy"])) < (ra + rb) * 0.9


def _obj_phrase(o, rng, with_size=True, with_article=True):
    words = []
    if with_size:
        words.append(rng.choice(SIZES[o["size"]][1]))
    words.append(rng.choice(COLOURS[o["colour"]][1]))
    words.append(rng.choice(SHAPES[o["shape"]]))
    p = " ".join(words)
    if with_article:
        p = ("an " if p[0] in "aeiou" else "a ") + p
    return p


def caption(scene, rng=None, template=None, name_background=0.0):
    """A caption for the scene (random template and synonyms when rng is given, canonical otherwise).

    name_background: the chance that a caption whose template leaves the background out names it anyway (appended
    "on a <colour> background"). Training captions use it (common.build_data, P_NAME_BG): with the templates alone
    only 2 in 7 one-object captions name the background, and CLIP's image embedding holds it only as a weak direction
    (v2 pack: the backgrounds' centroids 4.4 apart against 9-11 for the object's attributes), which a young decoder
    follows last (issue 12, training/STATUS.md). Evaluation captions keep 0, so its 300 cases stay the same.
    """
    if rng is None:
        rng = _Canonical()
    text = _caption(scene, rng, template)
    if name_background and not any(w in text.split() for w in BACKGROUNDS[scene["background"]][1]) \
            and rng.random() < name_background:
        text += f" on a {rng.choice(BACKGROUNDS[scene['background']][1])} background"
    return text


def _caption(scene, rng, template):
    objs = scene["objects"]
    bgw = rng.choice(BACKGROUNDS[scene["background"]][1])
    t = template if template is not None else rng.randrange(7)
    if len(objs) == 1:
        o = objs[0]
        pos = rng.choice(POSITIONS[o["position"]][1])
        if t == 0:
            return f"{_obj_phrase(o, rng)} {pos}"
        if t == 1:
            return f"{o['position'].replace(' ', '-')}: {_obj_phrase(o, rng, with_article=False)} on {bgw}"
        if t == 2:
            return f"{_obj_phrase(o, rng)} {pos} on a {bgw} background"
        if t == 3:
            return f"{rng.choice(COLOURS[o['colour']][1])} {rng.choice(SHAPES[o['shape']])}, {rng.choice(SIZES[o['size']][1])}, {pos}"
        if t == 4:
            return f"there is {_obj_phrase(o, rng)} {pos}"
        if t == 5:
            return f"{pos}, {_obj_phrase(o, rng)}"
        return f"a picture of {_obj_phrase(o, rng)} {pos}"
    a, b = objs
    pa, pb = rng.choice(POSITIONS[a["position"]][1]), rng.choice(POSITIONS[b["position"]][1])
    if t in (0, 4, 6):
        return f"{_obj_phrase(a, rng)} {pa} and {_obj_phrase(b, rng)} {pb}"
    if t in (1, 3):
        return f"{_obj_phrase(a, rng)} {pa}, {_obj_phrase(b, rng)} {pb}, on {bgw}"
    if t == 2:
        return f"{_obj_phrase(a, rng)} {pa} and {_obj_phrase(b, rng)} {pb} on a {bgw} background"
    return f"{pa}, {_obj_phrase(a, rng)}; {pb}, {_obj_phrase(b, rng)}"


class _Canonical:
    """Stand-in rng that always picks the first option (canonical caption)."""

    def choice(self, xs):
        return xs[0]

    def randrange(self, n):
        return 0


def canonical_caption(scene):
    return caption(scene, None, template=2 if len(scene["objects"]) == 1 else 2)


def corpus(n, seed=0):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        s = sample_scene(rng, "any")
        out.append(caption(s, rng))
    return out


if __name__ == "__main__":
    rng = random.Random(1)
    for _ in range(12):
        s = sample_scene(rng)
        print(caption(s, rng))
    im = np.concatenate([render(sample_scene(rng)) for _ in range(8)], 1)
    Image.fromarray(im).resize((512 * 2, 128), Image.NEAREST).save("/tmp/world.png")
