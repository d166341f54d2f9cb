#!/usr/bin/python3
"""Parity fixtures for Karlo: the ORIGINAL samplers of kakaobrain/karlo on the small random-init pack
that `karlo_export.py --random-init --small` exports, with injected noise.

    python3 tools/export/karlo_fixtures.py --pack PACK_DIR --out FIXTURE_DIR

Rebuilds the pack's PyTorch modules (same constructors and seeds as the export; checked against the
outputs the export recorded in PACK_DIR/check/) and runs Karlo's own sampler classes on them:

- pipeline_text_to_image.json: `T2ISampler.__call__` (karlo/sampler/t2i.py) with SAMPLING_CONF
  "default" — prior "25" at guidance 4.0, decoder "50" at 8.0, super-res "7" — batch 2;
- pipeline_variation.json: `I2ISampler.__call__` (karlo/sampler/i2i.py) on a 256 px PIL image
  (its own preprocessing: PIL bicubic resize to 224, to_tensor, normalise), batch 2;
- pipeline_interpolation.json: the same `I2ISampler.__call__` with two images, one per batch row (the
  CLIP image encoder answers row k with image k's embedding) and one shared noise: what the engine's
  interpolation makes at its end frames (θ = 0 and θ = 1), which Karlo has no sampler for.

What is patched, and why: (1) the samplers put tensors on "cuda" explicitly (`torch.tensor(...,
device="cuda")`, `.to(device="cuda")`, `.cuda()`): the device is mapped to the CPU while they run; (2) they
resize the 64 px decoder output to the hard-coded 256 px of the full-size super-resolution: the
small models' decoder makes 16 px and their super-resolution 64 px, so the size is mapped to 64 (the
same antialiased bicubic `TVF.resize` call); (3) `th.randn` (each stage's x_T) and `th.randn_like`
(every p_sample step, including the last, whose noise is masked out) return values drawn beforehand
on the float16 grid; for the prior and decoder's 2B rows ([cond ; uncond]) the B rows repeat in the
unconditional half, which Karlo's guided model function never reads. Everything else is Karlo's code
as it is, including the CLIP model (not torch.jit.script-ed: the same forward).

Fixture format: docs/model-packs.md "Test fixtures"; intermediates `input_ids` (Karlo's order,
[prompt × B ; "" × B]), `image_embeddings` (the prior's output or the CLIP image embeddings),
`decoder_output` (clamped, [B, 3, S, S]), for image requests `source_image` / `source_image_b`
(uint8 [1, H, W, 3]) and `pixel_values`; `image` = the sampler's final output in [0, 1].
"""
import argparse
import json
import sys
from pathlib import Path

import torch as th
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
import karlo_export as export  # noqa: E402  (this folder's export tool: same constructors and seeds)
from packtools import check_rebuilt, f16, f16_json, tensor_json, uint8_json  # noqa: E402

PROMPT = "a red cube on a blue table"
BATCH = 2
SAMPLING = "default"


class StageNoise:
    """x_T and per-step noise of one stage, B rows, drawn on the float16 grid."""

    def __init__(self, key, shape, steps, g, shared_rows=False):
        self.key, self.steps_total = key, steps

        def draw():
            z = f16(th.randn((1 if shared_rows else shape[0],) + tuple(shape[1:]), generator=g))
            return z.expand(shape).contiguous()

        self.x_t = draw()
        self.steps = [draw() for _ in range(steps)]

    def json(self, timesteps):
        return {"x_T": f16_json(self.x_t), "noise": [f16_json(z) for z in self.steps], "timesteps": timesteps}


class Patched:
    """The patches the docstring lists, active while a sampler runs."""

    def __init__(self, stages, low_res_side):
        self.stages, self.side = list(stages), low_res_side
        self.current, self.k, self.recorded = None, 0, {}

    def randn(self, *shape, **kwargs):
        self.finish_stage()
        self.current, self.k = self.stages.pop(0), 0
        return self.rows(self.current.x_t, shape)

    def randn_like(self, x, **kwargs):
        z = self.current.steps[self.k]
        self.k += 1
        return self.rows(z, x.shape)

    @staticmethod
    def rows(z, shape):
        z = z.repeat(shape[0] // z.shape[0], *([1] * (z.dim() - 1)))
        assert tuple(z.shape) == tuple(shape), (tuple(z.shape), tuple(shape))
        return z

    def finish_stage(self):
        if self.current is not None:
            assert self.k == self.current.steps_total, f"{self.current.key}: {self.k} noise draws"

    def tensor(self, *args, **kwargs):
        if kwargs.get("device") == "cuda":
            kwargs["device"] = "cpu"
        return self.saved_tensor(*args, **kwargs)

    def to(self, tensor, *args, **kwargs):
        if kwargs.get("device") == "cuda":
            kwargs["device"] = "cpu"
        args = tuple("cpu" if a == "cuda" else a for a in args)
        return self.saved_to(tensor, *args, **kwargs)

    def resize(self, img, size, *args, **kwargs):
        if isinstance(img, th.Tensor) and list(size) == [256, 256]:
            self.recorded["decoder_output"] = img.clone()  # t2i/i2i clamp it just before
            size = [self.side, self.side]
        return self.saved_resize(img, size, *args, **kwargs)

    def __enter__(self):
        import torchvision.transforms.functional as TVF
        self.tvf = TVF
        self.saved = th.randn, th.randn_like
        self.saved_tensor, self.saved_to, self.saved_resize = th.tensor, th.Tensor.to, TVF.resize
        self.saved_cuda = th.Tensor.cuda
        th.randn, th.randn_like, th.tensor = self.randn, self.randn_like, self.tensor
        patched = self
        th.Tensor.to = lambda t, *a, **k: patched.to(t, *a, **k)
        th.Tensor.cuda = lambda t, *a, **k: t
        TVF.resize = self.resize
        return self

    def __exit__(self, *exc):
        th.randn, th.randn_like = self.saved
        th.tensor, th.Tensor.to, self.tvf.resize = self.saved_tensor, self.saved_to, self.saved_resize
        th.Tensor.cuda = self.saved_cuda
        if exc[0] is None:
            self.finish_stage()
            assert not self.stages, f"{len(self.stages)} stages drew no noise"


class Recorder:
    """Stands in for a sampler's model attribute and keeps what it returned."""

    def __init__(self, module):
        self.module, self.out = module, None

    def __call__(self, *args, **kwargs):
        self.out = self.module(*args, **kwargs)
        return self.out

    def __getattr__(self, name):  # the samplers read e.g. self._prior.model.text_ctx
        return getattr(self.module, name)


class RecordingClip:
    """The CLIP model, keeping the pixels and embedding of its last encode_image; with `embeddings`,
    encode_image answers one row per image instead (interpolation end frames)."""

    def __init__(self, clip, embeddings=None):
        self.clip, self.embeddings = clip, embeddings
        self.pixels = self.embedding = None

    def encode_text(self, tok):
        return self.clip.encode_text(tok)

    def encode_image(self, pixels):
        if self.embeddings is not None:
            assert pixels.shape[0] == self.embeddings.shape[0]
            return self.embeddings
        self.pixels, self.embedding = pixels[:1].clone(), self.clip.encode_image(pixels)
        return self.embedding


def source_image(side, seed):
    """A smooth picture with texture: exercises every tap of the resize filters."""
    g = th.Generator().manual_seed(seed)
    yy, xx = th.meshgrid(th.arange(side), th.arange(side), indexing="ij")
    base = th.stack([xx * 255 / side, yy * 255 / side, (xx + yy) * 127 / side]).float()
    return (base + th.randint(0, 60, (3, side, side), generator=g)).clamp(0, 255).to(th.uint8).permute(1, 2, 0)


def order(diffusion_respacing):
    from karlo.modules.diffusion.respace import space_timesteps
    return sorted(space_timesteps(1000, diffusion_respacing), reverse=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pack", type=Path, required=True, help="pack from karlo_export.py --random-init --small")
    p.add_argument("--out", type=Path, required=True, help="folder for the pipeline_*.json fixtures")
    p.add_argument("--reference-code", type=Path, default=export.DEFAULT_REFERENCE)
    a = p.parse_args()
    k = export.Karlo(a.reference_code)
    from karlo.sampler.i2i import I2ISampler
    from karlo.sampler.t2i import T2ISampler

    clip = k.clip(small=True)
    c = clip.text_projection.shape[1]
    mean, std = k.clip_stats(c)
    prior, decoder, sr = k.prior(True, mean, std), k.decoder(True), k.super_res(True)
    for stage, module in (("text_encoder", export.TextEncoder(clip)), ("image_encoder", export.ImageEncoder(clip)),
                          ("prior", export.Prior(prior)), ("decoder", export.Decoder(decoder)),
                          ("super_res_first", export.SuperRes(sr.model_first_steps)),
                          ("super_res_last", export.SuperRes(sr.model_last_step))):
        check_rebuilt(module.eval(), a.pack / "check" / f"{stage}.json")
    s = decoder._model_conf.image_size
    u = 4 * s
    conf = export.SAMPLING[SAMPLING]
    g = th.Generator().manual_seed(2024)

    def sampler(cls):
        smp = cls(root_dir=None, sampling_type=SAMPLING)
        smp._clip, smp._tokenizer = clip, k.tokenizer
        smp._decoder, smp._sr_64_256 = Recorder(decoder), sr
        return smp

    def noise(keys_and_shapes, shared_rows=False):
        return [StageNoise(key, shape, len(order(resp)), g, shared_rows) for key, shape, resp in keys_and_shapes]

    def stages_json(noises, respacings):
        return {n.key: n.json(order(r)) for n, r in zip(noises, respacings)}

    a.out.mkdir(parents=True, exist_ok=True)
    tok, _ = k.tokenizer.padded_tokens_and_mask([PROMPT] * BATCH + [""] * BATCH, 77)

    # ---- text -> image: T2ISampler.__call__
    t2i = sampler(T2ISampler)
    t2i._prior = Recorder(prior)
    respacings = [conf["prior"], conf["decoder"], conf["sr"]]
    noises = noise([("prior", (BATCH, c), conf["prior"]), ("decoder", (BATCH, 3, s, s), conf["decoder"]),
                    ("super_res", (BATCH, 3, u, u), conf["sr"])])
    with th.no_grad(), Patched(noises, u) as patched:
        image = list(t2i(PROMPT, BATCH, progressive_mode="final"))[-1]
    write(a.out / "pipeline_text_to_image.json", {
        "request": {"prompt": PROMPT, "batch": BATCH, "prior_steps": conf["prior"],
                    "prior_guidance": conf["prior_guidance"], "decoder_steps": conf["decoder"],
                    "decoder_guidance": conf["decoder_guidance"], "super_res_steps": conf["sr"]},
        "stages": stages_json(noises, respacings),
        "intermediates": {"input_ids": tensor_json(tok), "image_embeddings": tensor_json(t2i._prior.out),
                          "decoder_output": tensor_json(patched.recorded["decoder_output"])},
        "image": tensor_json(image)})

    # ---- variation: I2ISampler.__call__ on a PIL image
    src = source_image(256, 1)
    respacings = [conf["decoder"], conf["sr"]]
    i2i = sampler(I2ISampler)
    i2i._clip = recording = RecordingClip(clip)
    noises = noise([("decoder", (BATCH, 3, s, s), conf["decoder"]), ("super_res", (BATCH, 3, u, u), conf["sr"])])
    with th.no_grad(), Patched(noises, u) as patched:
        image = list(i2i(Image.fromarray(src.numpy()), BATCH, progressive_mode="final"))[-1]
    write(a.out / "pipeline_variation.json", {
        "request": {"batch": BATCH, "decoder_steps": conf["decoder"], "decoder_guidance": conf["decoder_guidance"],
                    "super_res_steps": conf["sr"], "source": "source_image"},
        "stages": stages_json(noises, respacings),
        "intermediates": {"source_image": uint8_json(src[None].numpy()), "pixel_values": tensor_json(recording.pixels),
                          "image_embeddings": tensor_json(recording.embedding[:1]),
                          "decoder_output": tensor_json(patched.recorded["decoder_output"])},
        "image": tensor_json(image)})

    # ---- interpolation end frames: I2ISampler.__call__, one image per row, one shared noise
    src_b = source_image(160, 2)  # upsampled to 224 by the preprocessing
    rows = []
    for picture in (src, src_b):  # i2i's own preprocess() of each image
        with th.no_grad(), Patched([], u):
            rows.append(i2i.preprocess(Image.fromarray(picture.numpy()), "", 1)[-1])
    embeddings = th.cat(rows)
    i2i = sampler(I2ISampler)
    i2i._clip = RecordingClip(clip, embeddings)
    noises = noise([("decoder", (2, 3, s, s), conf["decoder"]), ("super_res", (2, 3, u, u), conf["sr"])],
                   shared_rows=True)
    with th.no_grad(), Patched(noises, u) as patched:
        image = list(i2i(Image.fromarray(src.numpy()), 2, progressive_mode="final"))[-1]
    write(a.out / "pipeline_interpolation.json", {
        "request": {"frames": 2, "decoder_steps": conf["decoder"], "decoder_guidance": conf["decoder_guidance"],
                    "super_res_steps": conf["sr"], "source": "source_image", "source_b": "source_image_b"},
        "stages": stages_json(noises, respacings),
        "intermediates": {"source_image": uint8_json(src[None].numpy()),
                          "source_image_b": uint8_json(src_b[None].numpy()),
                          "image_embeddings": tensor_json(embeddings),
                          "decoder_output": tensor_json(patched.recorded["decoder_output"])},
        "image": tensor_json(image)})


def write(path, fixture):
    path.write_text(json.dumps(fixture) + "\n")
    print(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB)", file=sys.stderr)


if __name__ == "__main__":
    main()
