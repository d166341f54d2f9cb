"""PyTorch reference pipelines for the tiny pack (what the Java engine must reproduce).

Scheduler maths follows ../shared/reference/unclip-spec.md §3.2-3.5 exactly: Karlo/GLIDE space_timesteps respacing,
respaced posterior (float64 schedule, float32 tensors), learned_range / fixed_small_log variance, x0 clamping,
classifier-free guidance layouts ([uncond; cond] for prior and decoder, [cond; uncond] for inpainting, variance
channels from the conditional half). All initial latents and per-step noise come from a NoiseSource, so runs can be
recorded and replayed exactly.
"""
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

import common
import models as M
from common import CFG


# ------------------------------------------------------------------ respacing / scheduler
def space_timesteps(num_timesteps, section_counts):
    if isinstance(section_counts, str):
        if section_counts.startswith("ddim"):
            desired = int(section_counts[len("ddim"):])
            for i in range(1, num_timesteps):
                if len(range(0, num_timesteps, i)) == desired:
                    return set(range(0, num_timesteps, i))
            raise ValueError(f"cannot create exactly {desired} steps with an integer stride")
        if section_counts == "fast27":
            steps = space_timesteps(num_timesteps, "10,10,3,2,2")
            steps.remove(num_timesteps - 1)
            steps.add(num_timesteps - 3)
            return steps
        section_counts = [int(x) for x in section_counts.split(",")]
    size_per = num_timesteps // len(section_counts)
    extra = num_timesteps % len(section_counts)
    start, out = 0, []
    for i, c in enumerate(section_counts):
        size = size_per + (1 if i < extra else 0)
        if size < c:
            raise ValueError(f"cannot divide section of {size} steps into {c}")
        stride = 1 if c <= 1 else (size - 1) / (c - 1)
        cur = 0.0
        for _ in range(c):
            out.append(start + round(cur))
            cur += stride
        start += size
    return set(out)


class Scheduler:
    """Respaced ancestral DDPM (spec §3.3-3.4). Index i = respaced step (network gets timesteps[i])."""

    def __init__(self, respacing, prediction="epsilon", variance="learned_range", clip=1.0, T=1000):
        acp = common.alphas_cumprod(T)
        self.timesteps = sorted(space_timesteps(T, respacing))  # ascending s_0 < ... < s_{K-1}
        A = acp[self.timesteps]
        A_prev = np.append(1.0, A[:-1])
        b = 1 - A / A_prev
        pv = b * (1 - A_prev) / (1 - A)
        self.A, self.b = A, b
        self.log_b = np.log(b)
        self.logvar_c = np.log(np.append(pv[1], pv[1:])) if len(pv) > 1 else np.log(pv)
        self.coef1 = b * np.sqrt(A_prev) / (1 - A)
        self.coef2 = (1 - A_prev) * np.sqrt(1 - b) / (1 - A)
        self.prediction, self.variance, self.clip = prediction, variance, clip

    def __len__(self):
        return len(self.timesteps)

    def order(self):
        """Sampling order: respaced indices K-1 .. 0."""
        return list(reversed(range(len(self.timesteps))))

    def step(self, i, x, out, v=None, noise=None, denoised_fn=None):
        f = lambda a: float(a)
        if self.prediction == "epsilon":
            x0 = f(math.sqrt(1.0 / self.A[i])) * x - f(math.sqrt(1.0 / self.A[i] - 1)) * out
        else:
            x0 = out
        if denoised_fn is not None:
            x0 = denoised_fn(x0)
        x0 = x0.clamp(-self.clip, self.clip)
        mean = f(self.coef1[i]) * x0 + f(self.coef2[i]) * x
        if i == 0:
            return mean, x0
        if self.variance == "learned_range":
            frac = (v + 1) / 2
            logv = frac * f(self.log_b[i]) + (1 - frac) * f(self.logvar_c[i])
            std = torch.exp(0.5 * logv)
        else:
            std = f(math.exp(0.5 * self.logvar_c[i]))
        return mean + std * noise, x0


# ------------------------------------------------------------------ noise
class NoiseSource:
    """Seeded standard-normal source; records every draw per stage. Replay with `replay`."""

    def __init__(self, seed=0, replay=None):
        self.gen = torch.Generator().manual_seed(seed)
        self.replay = replay  # {stage: {"x_T": t, "noise": [t...]}}
        self.rec = {}

    def init(self, stage, shape):
        r = self.rec.setdefault(stage, {"x_T": None, "noise": [], "timesteps": [], "x0": None})
        r["x_T"] = self.replay[stage]["x_T"] if self.replay else torch.randn(shape, generator=self.gen)
        return r["x_T"].clone()

    def step(self, stage, shape):
        r = self.rec[stage]
        n = self.replay[stage]["noise"][len(r["noise"])] if self.replay else torch.randn(shape, generator=self.gen)
        r["noise"].append(n)
        return n

    def done(self, stage, timesteps, x0):
        self.rec[stage]["timesteps"] = list(timesteps)
        self.rec[stage]["x0"] = x0.clone()


# ------------------------------------------------------------------ models
class Models:
    def __init__(self, ckpt_dir=None):
        ckpt_dir = ckpt_dir or common.CKPT
        tok = common.tokenizer()
        self.tok = tok
        V = tok.vocab_size
        ld = lambda n: torch.load(os.path.join(ckpt_dir, n + ".pt"))
        c = ld("clip")
        self.clip = M.Clip(V, CFG["L"], CFG["C"])
        self.clip.load_state_dict(c["state"]["clip"])
        self.clip_mean, self.clip_std = c["clip_mean"].float(), c["clip_std"].float()
        p = ld("prior")
        self.prior = M.Prior(CFG["C"], CFG["W"], CFG["L"], CFG["prior_d"], CFG["prior_layers"])
        self.prior.load_state_dict(p["state"]["prior"])
        d = ld("decoder")
        self.text_proj = M.TextProj(CFG["C"], CFG["W"], CFG["D"], 4 * CFG["dec_ch"], CFG["n_img_tokens"])
        self.text_proj.load_state_dict(d["state"]["text_proj"])
        self.decoder = M.Decoder(CFG["D"], CFG["dec_ch"])
        self.decoder.load_state_dict(d["state"]["decoder"])
        s = ld("sr")
        self.sr = M.SuperRes(CFG["sr_ch"], residual=s.get("residual", False))  # checkpoints before issue 12: plain
        self.sr.load_state_dict(s["state"]["sr"])
        self.sr_first = self.sr_last = self.sr
        i = ld("inpaint")
        self.inpaint = M.Inpaint(V, CFG["L"], CFG["inp_W"], CFG["inp_ch"])
        self.inpaint.load_state_dict(i["state"]["inpaint"])
        for m in (self.clip, self.prior, self.text_proj, self.decoder, self.sr, self.inpaint):
            m.eval().requires_grad_(False)
        self.null = self.text_proj.null.detach().clone()
        self.meta = {n: {k: v for k, v in ck.items() if k in ("steps", "seconds", "loss_first", "loss_last")}
                     for n, ck in (("clip", c), ("prior", p), ("decoder", d), ("sr", s), ("inpaint", i))}

    def text_encoder(self, input_ids):
        return self.clip.text(input_ids)

    def image_encoder(self, pixel_values):
        return self.clip.image(pixel_values)


DEFAULTS = dict(prior_steps="25", prior_guidance=4.0, decoder_steps="25", decoder_guidance=4.0, sr_steps="7",
                inpaint_steps="50", inpaint_guidance=5.0)


def _tvec(t, n):
    return torch.full((n,), int(t), dtype=torch.int64)


def run_prior(m, te, th, mask, B, ns, steps, g):
    sch = Scheduler(steps, "sample", "fixed_small_log", 5.0)
    x = ns.init("prior", (B, CFG["C"]))
    cfg = g > 1
    for i in sch.order():
        t = sch.timesteps[i]
        if cfg:
            o = m.prior(torch.cat([x, x]), _tvec(t, 2 * B), te, th, mask)
            x0 = o[:B] + g * (o[B:] - o[:B])
        else:
            x0 = m.prior(x, _tvec(t, B), te[B:], th[B:], mask[B:])
        x, _ = sch.step(i, x, x0, noise=ns.step("prior", x.shape))
    ns.done("prior", [sch.timesteps[i] for i in sch.order()], x)
    return x


def run_decoder(m, ehs, cls, dmask, B, ns, steps, g):
    sch = Scheduler(steps, "epsilon", "learned_range", 1.0)
    S = CFG["S"]
    x = ns.init("decoder", (B, 3, S, S))
    cfg = g > 1
    for i in sch.order():
        t = sch.timesteps[i]
        if cfg:
            o = m.decoder(torch.cat([x, x]), _tvec(t, 2 * B), ehs, cls, dmask)
            eps = o[:B, :3] + g * (o[B:, :3] - o[:B, :3])
            v = o[B:, 3:]
        else:
            o = m.decoder(x, _tvec(t, B), ehs[B:], cls[B:], dmask[B:])
            eps, v = o[:, :3], o[:, 3:]
        x, _ = sch.step(i, x, eps, v, noise=ns.step("decoder", x.shape))
    ns.done("decoder", [sch.timesteps[i] for i in sch.order()], x)
    return x


def run_super_res(m, x16, B, ns, steps):
    low = F.interpolate(x16, size=(CFG["U"], CFG["U"]), mode="bicubic", align_corners=False, antialias=True)
    sch = Scheduler(steps, "epsilon", "fixed_small_log", 1.0)
    x = ns.init("super_res", (B, 3, CFG["U"], CFG["U"]))
    order = sch.order()
    for k, i in enumerate(order):
        net = m.sr_last if k == len(order) - 1 else m.sr_first
        eps = net(torch.cat([x, low], 1), _tvec(sch.timesteps[i], B))
        x, _ = sch.step(i, x, eps, noise=ns.step("super_res", x.shape))
    ns.done("super_res", [sch.timesteps[i] for i in order], x)
    return x, low


@torch.no_grad()
def text_to_image(m, prompt, B=1, ns=None, **kw):
    p = {**DEFAULTS, **kw}
    ns = ns or NoiseSource(0)
    prompts = prompt if isinstance(prompt, list) else [prompt] * B
    B = len(prompts)
    ids, mask = m.tok([""] * B + prompts)
    ids = torch.from_numpy(ids).int()
    mask = torch.from_numpy(mask)
    te, th = m.text_encoder(ids)
    xp = run_prior(m, te, th, mask, B, ns, p["prior_steps"], p["prior_guidance"])
    z = xp * m.clip_std + m.clip_mean
    ehs, cls = m.text_proj(torch.cat([m.null[None].expand(B, -1), z]), te, th)
    dmask = torch.cat([torch.ones(2 * B, CFG["n_img_tokens"], dtype=torch.bool), mask], 1)
    x16 = run_decoder(m, ehs, cls, dmask, B, ns, p["decoder_steps"], p["decoder_guidance"]).clamp(-1, 1)
    xs, low = run_super_res(m, x16, B, ns, p["sr_steps"])
    img = (xs * 0.5 + 0.5).clamp(0, 1)
    inter = {"input_ids": ids, "attention_mask": mask, "text_embeds": te, "last_hidden_state": th,
             "image_embeddings": z, "decoder_output": x16, "low_res": low}
    return img, inter, ns


@torch.no_grad()
def variation(m, src_u8, ns=None, n=1, **kw):
    """src_u8: uint8 [1,H,W,3] (numpy or tensor); n images per source."""
    p = {**DEFAULTS, **kw}
    ns = ns or NoiseSource(0)
    src = common.to_float(src_u8)
    pix = common.clip_preprocess(src)
    z = m.image_encoder(pix)
    B = z.shape[0] * n
    z = z.repeat_interleave(n, 0)
    ids, mask = m.tok([""] * (2 * B))
    ids = torch.from_numpy(ids).int()
    mask = torch.from_numpy(mask)
    te, th = m.text_encoder(ids)
    ehs, cls = m.text_proj(torch.cat([m.null[None].expand(B, -1), z]), te, th)
    dmask = torch.cat([torch.ones(2 * B, CFG["n_img_tokens"], dtype=torch.bool), mask], 1)
    x16 = run_decoder(m, ehs, cls, dmask, B, ns, p["decoder_steps"], p["decoder_guidance"]).clamp(-1, 1)
    xs, low = run_super_res(m, x16, B, ns, p["sr_steps"])
    img = (xs * 0.5 + 0.5).clamp(0, 1)
    inter = {"pixel_values": pix, "image_embeddings": z, "input_ids": ids, "attention_mask": mask,
             "decoder_output": x16, "low_res": low}
    return img, inter, ns


@torch.no_grad()
def inpaint(m, src_u8, keep16, prompt, ns=None, **kw):
    """src_u8 uint8 [B,64,64,3]; keep16 float [B,1,16,16] (1 = keep); GLIDE loop at 16 px, super-res, paste-back."""
    p = {**DEFAULTS, **kw}
    ns = ns or NoiseSource(0)
    src = common.to_float(src_u8)
    B = src.shape[0]
    S = CFG["S"]
    src16 = common.resize(src, S)
    prompts = prompt if isinstance(prompt, list) else [prompt] * B
    ids, mask = m.tok(prompts + [""] * B)
    tokens = torch.from_numpy(ids)
    tmask = torch.from_numpy(mask)
    g = p["inpaint_guidance"]
    cfg = g > 1
    sch = Scheduler(p["inpaint_steps"], "epsilon", "learned_range", 1.0)
    x = ns.init("inpaint_base", (B, 3, S, S))
    img_in = src16 * keep16
    reinsert = lambda x0: x0 * (1 - keep16) + (src16 * keep16) * keep16
    for i in sch.order():
        t = sch.timesteps[i]
        if cfg:
            o = m.inpaint(torch.cat([x, x]), _tvec(t, 2 * B), tokens, tmask, torch.cat([img_in, img_in]),
                          torch.cat([keep16, keep16]))
            eps = o[B:, :3] + g * (o[:B, :3] - o[B:, :3])
            v = o[:B, 3:]
        else:
            o = m.inpaint(x, _tvec(t, B), tokens[:B], tmask[:B], img_in, keep16)
            eps, v = o[:, :3], o[:, 3:]
        x, _ = sch.step(i, x, eps, v, noise=ns.step("inpaint_base", x.shape), denoised_fn=reinsert)
    ns.done("inpaint_base", [sch.timesteps[i] for i in sch.order()], x)
    x16 = x.clamp(-1, 1)
    xs, low = run_super_res(m, x16, B, ns, p["sr_steps"])
    out = (xs * 0.5 + 0.5).clamp(0, 1)
    k64 = F.interpolate(keep16, size=(CFG["U"], CFG["U"]), mode="nearest")
    src01 = torch.as_tensor(np.asarray(src_u8)).permute(0, 3, 1, 2).float() / 255.0
    img = out * (1 - k64) + src01 * k64
    inter = {"tokens": tokens, "token_mask": tmask, "source_16": src16, "base_output": x16, "low_res": low,
             "super_res_output": xs, "keep_mask_64": k64}
    return img, inter, ns


def slerp(a, b, theta):
    """Spherical interpolation of two [C] vectors, angle from the normalised dot product (the Java engine's Slerp)."""
    na, nb = float(a.double().norm()), float(b.double().norm())
    cos = 1.0 if na == 0 or nb == 0 else max(-1.0, min(1.0, float((a.double() @ b.double()) / (na * nb))))
    om = math.acos(cos)
    if abs(math.sin(om)) < 1e-6:
        wa, wb = 1 - theta, theta
    else:
        wa, wb = math.sin((1 - theta) * om) / math.sin(om), math.sin(theta * om) / math.sin(om)
    return (wa * a.double() + wb * b.double()).float()


@torch.no_grad()
def interpolate(m, a_u8, b_u8, frames=5, seed=0, **kw):
    """Frames along the slerp between the image embeddings of two images (uint8 [1,H,W,3] each), decoded as
    variations with "" text; every frame starts from the same noise (a fresh NoiseSource(seed) per frame), as the
    Java engine's interpolate does."""
    p = {**DEFAULTS, **kw}
    za, zb = (m.image_encoder(common.clip_preprocess(common.to_float(x)))[0] for x in (a_u8, b_u8))
    ids, mask = m.tok(["", ""])
    ids, mask = torch.from_numpy(ids).int(), torch.from_numpy(mask)
    te, th = m.text_encoder(ids)
    dmask = torch.cat([torch.ones(2, CFG["n_img_tokens"], dtype=torch.bool), mask], 1)
    out = []
    for k in range(frames):
        ns = NoiseSource(seed)
        z = slerp(za, zb, k / (frames - 1))[None]
        ehs, cls = m.text_proj(torch.cat([m.null[None], z]), te, th)
        x16 = run_decoder(m, ehs, cls, dmask, 1, ns, p["decoder_steps"], p["decoder_guidance"]).clamp(-1, 1)
        xs, _ = run_super_res(m, x16, 1, ns, p["sr_steps"])
        out.append((xs * 0.5 + 0.5).clamp(0, 1))
    return torch.cat(out)


def to_u8(img):
    return (img.clamp(0, 1) * 255).round().to(torch.uint8).permute(0, 2, 3, 1).numpy()


if __name__ == "__main__":
    import sys
    from PIL import Image
    common.setup()
    m = Models()
    prompt = sys.argv[1] if len(sys.argv) > 1 else "a large red circle in the top left corner"
    img, inter, _ = text_to_image(m, prompt, B=4)
    Image.fromarray(np.concatenate(list(to_u8(img)), 1)).save("/tmp/t2i.png")
    print("saved /tmp/t2i.png")
