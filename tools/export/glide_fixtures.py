#!/usr/bin/python3
"""Parity fixture for GLIDE inpainting: the ORIGINAL samplers of openai/glide-text2im on the small
random-init pack that `glide_export.py --random-init --small` exports, with injected noise.

    python3 tools/export/glide_fixtures.py --pack PACK_DIR --out FIXTURE.json [--seed 0]

Rebuilds the pack's PyTorch modules (same constructors and seed as the export; checked against the
outputs the export recorded in PACK_DIR/check/) and samples exactly as notebooks/inpaint.ipynb does:
the base with `diffusion.p_sample_loop(model_fn, ...)` on a batch of [cond ; uncond] rows, `model_fn`
guiding eps (scale 5.0) and keeping the cond half's variance, `denoised_fn` re-inserting the known
region into x0 before clipping; then the upsampler with `p_sample_loop(model_up, ...)` from
x_T = 0.997·N(0, I), `low_res` = the base sample quantised to 8 bits, cond tokens only.

Noise: `th.randn` (the base's x_T) and `th.randn_like` (every p_sample step, including the last,
whose noise is masked out) are replaced, while sampling, by values drawn beforehand on the float16
grid; for the base's 2B rows the B rows of the cond half repeat in the uncond half (model_fn only
reads the first half). What was drawn is written as the fixture's `x_T` / `noise` of each stage (B
rows; the upsampler's x_T before the 0.997).

Deviation from the notebook, on purpose: it resizes the source with PIL from a file to 64 and 256
px; here (as in the engine) the source is given at the pack's image size and resized on float
values (antialiased bicubic, torch.nn.functional.interpolate) to the base size. The 8-bit
quantisation of the base sample is a step function: noise seeds are skipped until no generated value
of the base sample lies within 1e-3 (in units of 1/127.5) of a rounding boundary, so float32
differences between runtimes cannot flip a level (the kept region is the re-inserted source, the same
float values in both).

The fixture format is docs/model-packs.md "Test fixtures" (`pipeline_inpaint.json`).
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch as th
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from packtools import check_rebuilt, f16, f16_json, uint8_json  # noqa: E402
import glide_export as glide  # noqa: E402  (this folder's export tool: same constructors, seeds, tensor format)

PROMPT = "a red cube on a table"
BATCH = 1
BASE_STEPS = "4"
GUIDANCE = 5.0
UPSAMPLE_TEMP = 0.997  # notebook: upsample_temp
ROUNDING_MARGIN = 1e-3


class InjectedNoise:
    """Stands in for th.randn / th.randn_like inside glide_text2im's p_sample_loop."""

    def __init__(self, x_t, steps, repeat):
        self.x_t, self.steps, self.repeat, self.k = x_t, steps, repeat, 0

    def randn(self, *shape, **kwargs):
        z = self.x_t.repeat(self.repeat, 1, 1, 1)
        assert tuple(shape) == tuple(z.shape), (shape, z.shape)
        return z

    def randn_like(self, x, **kwargs):
        z = self.steps[self.k].repeat(self.repeat, 1, 1, 1)
        assert z.shape == x.shape, (z.shape, x.shape)
        self.k += 1
        return z

    def __enter__(self):
        self.saved = th.randn, th.randn_like
        th.randn, th.randn_like = self.randn, self.randn_like
        return self

    def __exit__(self, *exc):
        th.randn, th.randn_like = self.saved
        assert self.k == len(self.steps), f"{self.k} steps drew noise, {len(self.steps)} prepared"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pack", type=Path, required=True, help="pack from glide.py --random-init --small")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--seed", type=int, default=0, help="the export's --seed")
    p.add_argument("--reference-code", type=Path, default=glide.DEFAULT_REFERENCE)
    a = p.parse_args()
    mc = glide.import_glide(a.reference_code)
    models, diffusions, opts = {}, {}, {}
    for stage in glide.CHECKPOINTS:
        model, o = glide.build_model(mc, stage, True, glide.stage_seed(a.seed, stage))
        check_rebuilt(model, a.pack / "check" / f"{stage}.json")
        models[stage], opts[stage] = model, o
    o_base, o_up = opts["inpaint_base"], opts["inpaint_upsampler"]
    diffusion = mc.create_gaussian_diffusion(steps=o_base["diffusion_steps"], noise_schedule=o_base["noise_schedule"],
                                             timestep_respacing=BASE_STEPS)
    up_respacing = glide.RESPACING["inpaint_upsampler"]
    diffusion_up = mc.create_gaussian_diffusion(steps=o_up["diffusion_steps"], noise_schedule=o_up["noise_schedule"],
                                                timestep_respacing=up_respacing)
    model, model_up = models["inpaint_base"], models["inpaint_upsampler"]
    s, u = o_base["image_size"], o_up["image_size"]

    g = th.Generator().manual_seed(1234)
    # a smooth source with some texture, and a keep mask whose hole is aligned to the 4 px grid,
    # so every downsampling rule gives the same base-size mask
    yy, xx = th.meshgrid(th.arange(u), th.arange(u), indexing="ij")
    base = th.stack([xx * 4, yy * 4, (xx + yy) * 2]).float()
    source = (base + th.randint(0, 40, (3, u, u), generator=g)).clamp(0, 255).to(th.uint8)  # [3,U,U]
    keep64 = th.ones(1, 1, u, u)
    keep64[..., u // 4: 3 * u // 4, u // 8: 5 * u // 8] = 0
    keep16 = keep64[..., ::u // s, ::u // s].contiguous()
    src64 = source[None].float() / 127.5 - 1
    src16 = F.interpolate(src64, (s, s), mode="bicubic", antialias=True, align_corners=False)

    # notebooks/inpaint.ipynb from here on
    tokens = model.tokenizer.encode(PROMPT)
    tokens, mask = model.tokenizer.padded_tokens_and_mask(tokens, o_base["text_ctx"])
    uncond_tokens, uncond_mask = model.tokenizer.padded_tokens_and_mask([], o_base["text_ctx"])
    full_batch_size = BATCH * 2
    model_kwargs = dict(
        tokens=th.tensor([tokens] * BATCH + [uncond_tokens] * BATCH),
        mask=th.tensor([mask] * BATCH + [uncond_mask] * BATCH, dtype=th.bool),
        inpaint_image=(src16 * keep16).repeat(full_batch_size, 1, 1, 1),
        inpaint_mask=keep16.repeat(full_batch_size, 1, 1, 1),
    )

    def model_fn(x_t, ts, **kwargs):
        half = x_t[: len(x_t) // 2]
        combined = th.cat([half, half], dim=0)
        model_out = model(combined, ts, **kwargs)
        eps, rest = model_out[:, :3], model_out[:, 3:]
        cond_eps, uncond_eps = th.split(eps, len(eps) // 2, dim=0)
        half_eps = uncond_eps + GUIDANCE * (cond_eps - uncond_eps)
        eps = th.cat([half_eps, half_eps], dim=0)
        return th.cat([eps, rest], dim=1)

    def denoised_fn(x_start):
        return x_start * (1 - model_kwargs["inpaint_mask"]) + model_kwargs["inpaint_image"] * model_kwargs["inpaint_mask"]

    noise_seed = 0
    while True:
        ng = th.Generator().manual_seed(noise_seed)
        base_xt = f16(th.randn(BATCH, 3, s, s, generator=ng))
        base_noise = [f16(th.randn(BATCH, 3, s, s, generator=ng)) for _ in range(diffusion.num_timesteps)]
        with th.no_grad(), InjectedNoise(base_xt, base_noise, 2):
            samples = diffusion.p_sample_loop(model_fn, (full_batch_size, 3, s, s), device="cpu",
                                              clip_denoised=True, progress=False, model_kwargs=model_kwargs,
                                              cond_fn=None, denoised_fn=denoised_fn)[:BATCH]
        scaled = ((samples + 1) * 127.5).numpy()
        margin = float(np.abs(scaled - np.floor(scaled) - 0.5)[:, :, keep16[0, 0] == 0].min())
        if margin > ROUNDING_MARGIN:
            break
        print(f"noise seed {noise_seed}: a base value lies {margin:.2g} from a rounding boundary; next seed",
              file=sys.stderr)
        noise_seed += 1

    # the upsampler, as the notebook runs it
    tokens_up = model_up.tokenizer.encode(PROMPT)
    tokens_up, mask_up = model_up.tokenizer.padded_tokens_and_mask(tokens_up, o_up["text_ctx"])
    low_res = ((samples + 1) * 127.5).round() / 127.5 - 1
    model_kwargs = dict(
        low_res=low_res,
        tokens=th.tensor([tokens_up] * BATCH),
        mask=th.tensor([mask_up] * BATCH, dtype=th.bool),
        inpaint_image=(src64 * keep64).repeat(BATCH, 1, 1, 1),
        inpaint_mask=keep64.repeat(BATCH, 1, 1, 1),
    )
    up_shape = (BATCH, 3, u, u)
    up_xt = f16(th.randn(up_shape, generator=ng))
    up_noise = [f16(th.randn(up_shape, generator=ng)) for _ in range(diffusion_up.num_timesteps)]
    with th.no_grad(), InjectedNoise(up_xt, up_noise, 1):
        up_samples = diffusion_up.p_sample_loop(model_up, up_shape, noise=up_xt * UPSAMPLE_TEMP, device="cpu",
                                                clip_denoised=True, progress=False, model_kwargs=model_kwargs,
                                                cond_fn=None, denoised_fn=denoised_fn)[:BATCH]

    # the engine's last step: [0, 1], the kept pixels replaced by the source's 8-bit values
    image = ((up_samples + 1) / 2).clamp(0, 1)
    image = th.where(keep64.bool(), source[None].float() / 255, image)

    def order(d):
        return [int(t) for t in reversed(d.timestep_map)]

    fixture = {
        "request": {"prompt": PROMPT, "batch": BATCH, "inpaint_steps": BASE_STEPS, "inpaint_guidance": GUIDANCE,
                    "upsampler_steps": up_respacing, "source": "source_image", "mask": "keep_mask_64",
                    "noise_seed": noise_seed},
        "stages": {
            "inpaint_base": {"x_T": f16_json(base_xt), "noise": [f16_json(z) for z in base_noise],
                             "timesteps": order(diffusion)},
            "inpaint_upsampler": {"x_T": f16_json(up_xt), "noise": [f16_json(z) for z in up_noise],
                                  "timesteps": order(diffusion_up)},
        },
        "intermediates": {
            "source_image": uint8_json(source.permute(1, 2, 0)[None].numpy()),
            "keep_mask_64": glide.tensor_json(keep64),
            "tokens": glide.tensor_json(th.tensor([tokens, uncond_tokens])),
            "token_mask": glide.tensor_json(th.tensor([mask, uncond_mask], dtype=th.bool)),
            "source_16": glide.tensor_json(src16),
            "base_output": glide.tensor_json(samples),
            "low_res": glide.tensor_json(low_res),
            "upsampler_output": glide.tensor_json(up_samples),
        },
        "image": glide.tensor_json(image),
    }
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(fixture) + "\n")
    print(f"wrote {a.out} (base |x| max {samples.abs().max():.3f}, rounding margin {margin:.3g})", file=sys.stderr)


if __name__ == "__main__":
    main()
