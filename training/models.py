"""Tiny unCLIP / GLIDE model family. All modules are ONNX-exportable (opset 17) with plain ops."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

NEG = -10000.0


def timestep_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class MHA(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.h = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)

    def forward(self, x, bias=None):  # x [N,T,d]; bias additive, broadcastable to [N,h,T,T]
        N, T, d = x.shape
        q, k, v = self.qkv(x).reshape(N, T, 3, self.h, d // self.h).permute(2, 0, 3, 1, 4)
        w = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(d // self.h))
        if bias is not None:
            w = w + bias
        w = torch.softmax(w, dim=-1)
        y = torch.matmul(w, v).permute(0, 2, 1, 3).reshape(N, T, d)
        return self.out(y)


class Block(nn.Module):
    def __init__(self, d, heads, mlp=4):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.attn = MHA(d, heads)
        self.ln2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, mlp * d), nn.GELU(), nn.Linear(mlp * d, d))

    def forward(self, x, bias=None):
        x = x + self.attn(self.ln1(x), bias)
        return x + self.mlp(self.ln2(x))


# ---------------------------------------------------------------- CLIP
class ClipText(nn.Module):
    def __init__(self, vocab, L=32, W=128, layers=3, heads=4, C=64):
        super().__init__()
        self.tok = nn.Embedding(vocab, W)
        self.pos = nn.Parameter(torch.randn(L, W) * 0.01)
        self.blocks = nn.ModuleList([Block(W, heads) for _ in range(layers)])
        self.ln = nn.LayerNorm(W)
        self.proj = nn.Linear(W, C, bias=False)
        self.register_buffer("causal", torch.triu(torch.full((L, L), NEG), diagonal=1), persistent=False)

    def forward(self, input_ids):
        x = self.tok(input_ids.long()) + self.pos
        for b in self.blocks:
            x = b(x, self.causal)
        hidden = self.ln(x)
        eot = input_ids.argmax(dim=-1)
        pooled = hidden[torch.arange(hidden.shape[0]), eot]
        return self.proj(pooled), hidden


class ClipImage(nn.Module):
    def __init__(self, C=64, ch=32):
        super().__init__()

        def cb(i, o, s):
            return [nn.Conv2d(i, o, 3, s, 1), nn.GroupNorm(8, o), nn.SiLU()]
        self.net = nn.Sequential(*cb(3, ch, 2), *cb(ch, 2 * ch, 2), *cb(2 * ch, 2 * ch, 1), *cb(2 * ch, 4 * ch, 2),
                                 *cb(4 * ch, 4 * ch, 1))  # 32 -> 16 -> 8 -> 4
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(4 * ch * 16, 256), nn.SiLU(), nn.Linear(256, C))

    def forward(self, pixel_values):
        return self.head(self.net(pixel_values))


class Clip(nn.Module):
    def __init__(self, vocab, L=32, C=64):
        super().__init__()
        self.text = ClipText(vocab, L=L, C=C)
        self.image = ClipImage(C=C)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))


# ---------------------------------------------------------------- prior
class Prior(nn.Module):
    """x0-predicting residual MLP over [text_embeds ; masked mean of text tokens ; time ; x_t] (cheap on 2 CPU cores)."""

    def __init__(self, C=64, W=128, L=32, d=512, layers=4, heads=None):
        super().__init__()
        self.d = d
        self.in_hidden = nn.Linear(W, d)
        self.in_text = nn.Linear(C, d)
        self.in_x = nn.Linear(C, d)
        self.time = nn.Sequential(nn.Linear(128, d), nn.SiLU(), nn.Linear(d, d))
        self.blocks = nn.ModuleList([nn.Sequential(nn.LayerNorm(d), nn.Linear(d, 2 * d), nn.GELU(), nn.Linear(2 * d, d))
                                     for _ in range(layers)])
        self.ln = nn.LayerNorm(d)
        self.out = nn.Linear(d, C)

    @staticmethod
    def pool(encoder_hidden_states, attention_mask):
        m = attention_mask.float()[..., None]
        return (encoder_hidden_states * m).sum(1) / m.sum(1).clamp(min=1.0)

    def core(self, x, t, te, hm):
        h = self.in_x(x) + self.in_text(te) + self.in_hidden(hm) + self.time(timestep_embedding(t, 128))
        for b in self.blocks:
            h = h + b(h)
        return self.out(self.ln(h))

    def forward(self, hidden_states, timestep, proj_embedding, encoder_hidden_states, attention_mask):
        return self.core(hidden_states, timestep, proj_embedding, self.pool(encoder_hidden_states, attention_mask))


# ---------------------------------------------------------------- text_proj
class TextProj(nn.Module):
    def __init__(self, C=64, W=128, D=128, E=256, n_img_tokens=4):
        super().__init__()
        self.k = n_img_tokens
        self.D = D
        self.null = nn.Parameter(torch.randn(C) * 0.1)  # learned null image embedding (side data)
        self.text_feat = nn.Linear(C, E)
        self.img_feat = nn.Linear(C, E)
        self.img_tokens = nn.Linear(C, D * n_img_tokens)
        self.hidden = nn.Linear(W, D)
        self.ln = nn.LayerNorm(D)

    def forward(self, image_embeddings, prompt_embeds, text_encoder_hidden_states):
        N = image_embeddings.shape[0]
        class_labels = self.text_feat(prompt_embeds) + self.img_feat(image_embeddings)
        extra = self.img_tokens(image_embeddings).reshape(N, self.D, self.k).permute(0, 2, 1)
        text = self.ln(self.hidden(text_encoder_hidden_states))
        return torch.cat([extra, text], dim=1), class_labels


# ---------------------------------------------------------------- UNet
def gn(c):
    return nn.GroupNorm(8 if c % 8 == 0 else 4, c)


class ResBlock(nn.Module):
    def __init__(self, i, o, E):
        super().__init__()
        self.n1 = gn(i)
        self.c1 = nn.Conv2d(i, o, 3, 1, 1)
        self.emb = nn.Linear(E, 2 * o)
        self.n2 = gn(o)
        self.c2 = nn.Conv2d(o, o, 3, 1, 1)
        nn.init.zeros_(self.c2.weight)
        nn.init.zeros_(self.c2.bias)
        self.skip = nn.Conv2d(i, o, 1) if i != o else nn.Identity()

    def forward(self, x, emb):
        h = self.c1(F.silu(self.n1(x)))
        s, b = self.emb(F.silu(emb))[:, :, None, None].chunk(2, dim=1)
        h = self.n2(h) * (1 + s) + b
        h = self.c2(F.silu(h))
        return self.skip(x) + h


class AttnBlock(nn.Module):
    """Self-attention over spatial positions with extra encoder K/V prepended (AttnAddedKV)."""

    def __init__(self, ch, ctx_dim, heads=4):
        super().__init__()
        self.h = heads
        self.n = gn(ch)
        self.qkv = nn.Conv2d(ch, 3 * ch, 1)
        self.ekv = nn.Linear(ctx_dim, 2 * ch)
        self.out = nn.Conv2d(ch, ch, 1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, x, ctx, ctx_bias):
        N, Cc, H, W = x.shape
        hd = Cc // self.h
        q, k, v = self.qkv(self.n(x)).reshape(N, 3, self.h, hd, H * W).unbind(1)  # [N,h,hd,HW]
        ek, ev = self.ekv(ctx).reshape(N, -1, 2, self.h, hd).permute(2, 0, 3, 4, 1).unbind(0)  # [N,h,hd,T]
        k = torch.cat([ek, k], dim=-1)
        v = torch.cat([ev, v], dim=-1)
        w = torch.matmul(q.transpose(-1, -2), k) * (1.0 / math.sqrt(hd))  # [N,h,HW,T+HW]
        if ctx_bias is not None:
            w = w + ctx_bias
        w = torch.softmax(w, dim=-1)
        y = torch.matmul(v, w.transpose(-1, -2)).reshape(N, Cc, H, W)
        return x + self.out(y)


class UNet(nn.Module):
    def __init__(self, in_ch=3, out_ch=6, ch=32, mult=(1, 2, 2), nres=1, attn_levels=(1, 2), ctx_dim=None,
                 heads=4):
        super().__init__()
        E = ch * 4
        self.ch, self.E = ch, E
        self.time = nn.Sequential(nn.Linear(ch, E), nn.SiLU(), nn.Linear(E, E))
        self.inp = nn.Conv2d(in_ch, ch, 3, 1, 1)
        self.use_attn = ctx_dim is not None
        chans = [ch * m for m in mult]
        self.down = nn.ModuleList()
        skips = [ch]
        cur = ch
        for lvl, c in enumerate(chans):
            for _ in range(nres):
                blk = nn.ModuleList([ResBlock(cur, c, E)])
                if self.use_attn and lvl in attn_levels:
                    blk.append(AttnBlock(c, ctx_dim, heads))
                self.down.append(blk)
                cur = c
                skips.append(cur)
            if lvl < len(chans) - 1:
                self.down.append(nn.ModuleList([nn.Conv2d(cur, cur, 3, 2, 1)]))
                skips.append(cur)
        self.mid1 = ResBlock(cur, cur, E)
        self.mid_attn = AttnBlock(cur, ctx_dim, heads) if self.use_attn else None
        self.mid2 = ResBlock(cur, cur, E)
        self.up = nn.ModuleList()
        for lvl in reversed(range(len(chans))):
            c = chans[lvl]
            for j in range(nres + 1):
                blk = nn.ModuleList([ResBlock(cur + skips.pop(), c, E)])
                if self.use_attn and lvl in attn_levels:
                    blk.append(AttnBlock(c, ctx_dim, heads))
                cur = c
                if lvl > 0 and j == nres:
                    blk.append(nn.Upsample(scale_factor=2, mode="nearest"))
                    blk.append(nn.Conv2d(cur, cur, 3, 1, 1))
                self.up.append(blk)
        self.outn = gn(cur)
        self.outc = nn.Conv2d(cur, out_ch, 3, 1, 1)
        nn.init.zeros_(self.outc.weight)
        nn.init.zeros_(self.outc.bias)

    def _run_block(self, blk, h, emb, ctx, bias):
        for m in blk:
            if isinstance(m, ResBlock):
                h = m(h, emb)
            elif isinstance(m, AttnBlock):
                h = m(h, ctx, bias)
            else:
                h = m(h)
        return h

    def forward(self, x, t, extra_emb=None, ctx=None, ctx_mask=None):
        emb = self.time(timestep_embedding(t, self.ch))
        if extra_emb is not None:
            emb = emb + extra_emb
        bias = None
        if ctx_mask is not None:
            bias = ((~ctx_mask).float() * NEG)[:, None, None, :]  # [N,1,1,T]; spatial keys get 0 via padding
            bias = F.pad(bias, (0, 0))  # placeholder; spatial part appended per block below
        h = self.inp(x)
        hs = [h]
        for blk in self.down:
            b = None if bias is None else F.pad(bias, (0, h.shape[-1] * h.shape[-2]))
            h = self._run_block(blk, h, emb, ctx, b)
            hs.append(h)
        b = None if bias is None else F.pad(bias, (0, h.shape[-1] * h.shape[-2]))
        h = self.mid1(h, emb)
        if self.mid_attn is not None:
            h = self.mid_attn(h, ctx, b)
        h = self.mid2(h, emb)
        for blk in self.up:
            h = torch.cat([h, hs.pop()], dim=1)
            b = None if bias is None else F.pad(bias, (0, h.shape[-1] * h.shape[-2]))
            h = self._run_block(blk, h, emb, ctx, b)
        return self.outc(F.silu(self.outn(h)))


class Decoder(nn.Module):
    """decoder.onnx: sample, timestep, encoder_hidden_states, class_labels, attention_mask -> out_sample (eps||v)."""

    def __init__(self, D=128, ch=48, mult=(1, 2, 2), nres=1):
        super().__init__()
        self.unet = UNet(3, 6, ch, mult, nres, attn_levels=(1, 2), ctx_dim=D)

    def forward(self, sample, timestep, encoder_hidden_states, class_labels, attention_mask):
        return self.unet(sample, timestep, class_labels, encoder_hidden_states, attention_mask)


class SuperRes(nn.Module):
    """super_res.onnx: [x_t ; bicubic low-res] (6 ch), timestep -> epsilon.

    residual=True (issue 12, from the recipe after 2026-12-04): the UNet predicts what super-res adds to the upsampled
    low-res image, x0 = low_res + unet(...), and the epsilon the engine expects is derived from that x0 with the
    cosine schedule, inside the graph. The export contract (inputs, epsilon out, fixed_small_log) is unchanged, the
    scheduler recovers x0 = low_res + unet(...) exactly, and an untrained or unsure UNet (output 0) gives the bicubic
    image, whose backgrounds are exact: the plain epsilon model, given a perfect 16 px image, pulled every background
    towards mid grey (white -> ~170, black -> ~98 after 1,092 steps; training/tools/diagnose_sr.py).
    residual=False is the parameterisation of the pack built before that (its checkpoints load as before)."""

    def __init__(self, ch=32, mult=(1, 2, 2), nres=1, residual=False):
        super().__init__()
        self.unet = UNet(6, 3, ch, mult, nres, ctx_dim=None)
        self.residual = residual
        if residual:
            b, acp = [], 1.0
            for i in range(1000):  # common.cosine_betas (models.py does not import common)
                f = lambda s: math.cos((s + 0.008) / 1.008 * math.pi / 2) ** 2
                acp *= 1 - min(1 - f((i + 1) / 1000) / f(i / 1000), 0.999)
                b.append(acp)
            acp = torch.tensor(b, dtype=torch.float64)
            self.register_buffer("sqrt_acp", acp.sqrt().float(), persistent=False)
            self.register_buffer("sqrt_1macp", (1 - acp).sqrt().float(), persistent=False)

    def predict_x0(self, sample, timestep):
        """residual=True only: the x0 estimate low_res + unet(...) (what the training loss compares)."""
        return sample[:, 3:] + self.unet(sample, timestep)

    def forward(self, sample, timestep):
        if not self.residual:
            return self.unet(sample, timestep)
        x0 = self.predict_x0(sample, timestep)
        a = self.sqrt_acp[timestep].reshape(-1, 1, 1, 1)
        s = self.sqrt_1macp[timestep].reshape(-1, 1, 1, 1)
        return (sample[:, :3] - a * x0) / s


class InpaintText(nn.Module):
    """GLIDE-style text encoder: bidirectional, padding embedding where mask is False, pooled at last position."""

    def __init__(self, vocab, L=32, W=96, layers=2, heads=4):
        super().__init__()
        self.tok = nn.Embedding(vocab, W)
        self.pos = nn.Parameter(torch.randn(L, W) * 0.01)
        self.pad = nn.Parameter(torch.randn(L, W) * 0.01)
        self.blocks = nn.ModuleList([Block(W, heads) for _ in range(layers)])
        self.ln = nn.LayerNorm(W)

    def forward(self, tokens, mask):
        x = self.tok(tokens.long()) + self.pos
        x = torch.where(mask[..., None], x, self.pad[None].expand_as(x))
        for b in self.blocks:
            x = b(x)
        return self.ln(x)


class Inpaint(nn.Module):
    """glide_base_inpaint.onnx: x, timesteps, tokens, mask, inpaint_image, inpaint_mask -> out (eps||v)."""

    def __init__(self, vocab, L=32, W=96, ch=48, mult=(1, 2, 2), nres=1):
        super().__init__()
        self.text = InpaintText(vocab, L, W)
        self.unet = UNet(7, 6, ch, mult, nres, attn_levels=(1, 2), ctx_dim=W)
        self.proj = nn.Linear(W, self.unet.E)

    def forward(self, x, timesteps, tokens, mask, inpaint_image, inpaint_mask):
        xf = self.text(tokens, mask)
        h = torch.cat([x, inpaint_image * inpaint_mask, inpaint_mask], dim=1)
        return self.unet(h, timesteps, self.proj(xf[:, -1]), xf, None)


def n_params(m):
    return sum(p.numel() for p in m.parameters())
