"""Shared settings, paths, diffusion maths and the training-data cache."""
import json
import math
import os
import random
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.environ.get("WORK_DIR", os.path.join(HERE, "work"))
PACK = os.environ.get("PACK_DIR", os.path.join(ROOT, "models", "tiny"))
FIXTURES = os.environ.get("FIXTURE_DIR", os.path.join(ROOT, "src", "test", "resources", "fixtures", "tiny"))
CKPT = os.path.join(WORK, "ckpt")
DEVICE = os.environ.get("DEVICE", "cpu")
THREADS = int(os.environ.get("THREADS", "2"))

CFG = dict(L=32, C=64, W=128, D=128, dec_ch=32, sr_ch=24, inp_ch=32, inp_W=96, prior_d=384, prior_layers=4,
           clip_size=32, S=16, U=64, n_img_tokens=4)
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]


def setup(seed=0):
    torch.set_num_threads(THREADS)
    torch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed)
    os.makedirs(CKPT, exist_ok=True)


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def tokenizer():
    from tokenizer import ClipTokenizer
    return ClipTokenizer(os.path.join(PACK, "tokenizer", "bpe_vocab.txt.gz"), CFG["L"])


# ------------------------------------------------------------------ images
def to_float(img_u8):
    """uint8 [N,H,W,3] (numpy or tensor) -> float [-1,1] NCHW."""
    x = torch.as_tensor(np.asarray(img_u8)).permute(0, 3, 1, 2).float()
    return x / 127.5 - 1.0


def resize(x, size):
    return F.interpolate(x, size=(size, size), mode="bicubic", align_corners=False, antialias=True)


def clip_preprocess(x):
    """float [-1,1] NCHW square image -> CLIP pixel_values (shortest side -> 32 bicubic AA, centre crop, normalise)."""
    x01 = x * 0.5 + 0.5
    h, w = x01.shape[-2:]
    s = CFG["clip_size"]
    if h != w:
        nh, nw = (s, round(w * s / h)) if h < w else (round(h * s / w), s)
        x01 = F.interpolate(x01, size=(nh, nw), mode="bicubic", align_corners=False, antialias=True)
        t, l = (x01.shape[-2] - s) // 2, (x01.shape[-1] - s) // 2
        x01 = x01[..., t:t + s, l:l + s]
    else:
        x01 = resize(x01, s)
    mean = torch.tensor(CLIP_MEAN, device=x.device)[None, :, None, None]
    std = torch.tensor(CLIP_STD, device=x.device)[None, :, None, None]
    return (x01 - mean) / std


# ------------------------------------------------------------------ diffusion (training side)
def cosine_betas(T=1000):
    f = lambda s: math.cos((s + 0.008) / 1.008 * math.pi / 2) ** 2
    return np.array([min(1 - f((i + 1) / T) / f(i / T), 0.999) for i in range(T)], dtype=np.float64)


def alphas_cumprod(T=1000):
    """ᾱ_t of the cosine schedule: what q_sample, the samplers and the loss weights all derive from."""
    return np.cumprod(1 - cosine_betas(T))


class Diffusion:
    def __init__(self, T=1000, device="cpu"):
        b = cosine_betas(T)
        acp = alphas_cumprod(T)
        acp_prev = np.append(1.0, acp[:-1])
        pv = b * (1 - acp_prev) / (1 - acp)
        self.T = T
        t = lambda a: torch.tensor(a, dtype=torch.float32, device=device)
        self.sqrt_acp = t(np.sqrt(acp))
        self.sqrt_1macp = t(np.sqrt(1 - acp))
        self.sqrt_recip = t(np.sqrt(1 / acp))
        self.sqrt_recipm1 = t(np.sqrt(1 / acp - 1))
        self.coef1 = t(b * np.sqrt(acp_prev) / (1 - acp))
        self.coef2 = t((1 - acp_prev) * np.sqrt(1 - b) / (1 - acp))
        self.logvar_c = t(np.log(np.append(pv[1], pv[1:])))
        self.logbeta = t(np.log(b))

    @staticmethod
    def _g(a, t, x):
        return a[t].reshape(-1, *([1] * (x.dim() - 1)))

    def q_sample(self, x0, t, noise):
        return self._g(self.sqrt_acp, t, x0) * x0 + self._g(self.sqrt_1macp, t, x0) * noise

    def vb(self, eps, v, x0, xt, t):
        """improved-DDPM VLB term (bits/dim) for learned-range variance, with the mean's eps stopped."""
        g = lambda a: self._g(a, t, xt)
        x0p = g(self.sqrt_recip) * xt - g(self.sqrt_recipm1) * eps.detach()
        mean_p = g(self.coef1) * x0p + g(self.coef2) * xt
        frac = (v + 1) / 2
        logv_p = frac * g(self.logbeta) + (1 - frac) * g(self.logvar_c)
        mean_q = g(self.coef1) * x0 + g(self.coef2) * xt
        logv_q = g(self.logvar_c)
        kl = 0.5 * (-1.0 + logv_p - logv_q + torch.exp(logv_q - logv_p) + (mean_q - mean_p) ** 2 * torch.exp(-logv_p))
        kl = kl.flatten(1).mean(1) / math.log(2.0)
        nll = -discretized_gaussian_ll(x0, mean_p, 0.5 * logv_p).flatten(1).mean(1) / math.log(2.0)
        return torch.where(t == 0, nll, kl)


def _approx_std_normal_cdf(x):
    return 0.5 * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def discretized_gaussian_ll(x, means, log_scales):
    cx = x - means
    inv = torch.exp(-log_scales)
    cdf_plus = _approx_std_normal_cdf(inv * (cx + 1.0 / 255.0))
    cdf_min = _approx_std_normal_cdf(inv * (cx - 1.0 / 255.0))
    log_cdf_plus = torch.log(cdf_plus.clamp(min=1e-12))
    log_1m_cdf_min = torch.log((1.0 - cdf_min).clamp(min=1e-12))
    delta = cdf_plus - cdf_min
    return torch.where(x < -0.999, log_cdf_plus,
                       torch.where(x > 0.999, log_1m_cdf_min, torch.log(delta.clamp(min=1e-12))))


# ------------------------------------------------------------------ data cache
def data_path():
    return os.path.join(WORK, "data.pt")


def build_data(n_images, seed=1234, n_captions=3, p_two=0.5, name_background=0.0):
    """p_two: share of two-object scenes (0.35 until the v2 pack; raised for the two-object row of issue 12);
    name_background: world.caption's chance of naming a background its template leaves out (0 in the v2 pack's build;
    0.5 since the v3 pack)."""
    import world
    tok = tokenizer()
    rng = random.Random(seed)
    imgs = np.zeros((n_images, 64, 64, 3), dtype=np.uint8)
    scenes, caps = [], []
    for i in range(n_images):
        s = world.sample_scene(rng, "train", p_two=p_two)
        imgs[i] = world.render(s)
        scenes.append(s)
        caps.append([world.caption(s, rng, name_background=name_background) for _ in range(n_captions)])
    flat = [c for cs in caps for c in cs]
    ids, mask = tok(flat)
    L = CFG["L"]
    x64 = to_float(imgs)
    x16 = torch.cat([resize(x64[i:i + 1024], 16) for i in range(0, n_images, 1024)])
    d = {"images": torch.from_numpy(imgs), "x16": x16, "ids": torch.from_numpy(ids).reshape(n_images, n_captions, L),
         "mask": torch.from_numpy(mask).reshape(n_images, n_captions, L), "scenes": scenes, "captions": caps}
    torch.save(d, data_path())
    return d


def load_data():
    return torch.load(data_path())


def save_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)


def pack_files(pack):
    """SHA-256 of every file a pack's models are made of (the stages' ONNX files, side data, tokenizer merges), by
    path inside the pack: what an evaluation records, so that a model card can only describe the files it scored."""
    import hashlib
    manifest = json.load(open(os.path.join(pack, "pack.json")))
    names = {st["file"] for st in manifest["stages"].values()} | set(manifest.get("side_data", {}).values())
    names |= {t["merges"] for t in manifest.get("tokenizers", {}).values() if t.get("merges")}
    out = {}
    for n in sorted(names):
        with open(os.path.join(pack, n), "rb") as f:
            out[n] = hashlib.sha256(f.read()).hexdigest()
    return out
