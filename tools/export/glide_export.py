#!/usr/bin/python3
"""Export GLIDE's inpainting models (openai/glide-text2im) to an Unclip Studio model pack.

    python3 tools/export/glide_export.py --checkpoints DIR --out PACK_DIR
    python3 tools/export/glide_export.py --random-init [--small] --out PACK_DIR

The models are built by the ORIGINAL code (`create_model_and_diffusion` with
`model_and_diffusion_defaults()` / `model_and_diffusion_defaults_upsampler()` and `inpaint=True`),
found with `--reference-code DIR` (default: ../shared/reference-code/glide-text2im beside the
repository) or as an installed `glide_text2im` package. `--checkpoints DIR` loads the files by their
original names, `base-inpaint.pt` and `upsample-inpaint.pt` (glide-text2im's download.py);
`--random-init` uses random weights instead (`--small`: the same constructors with small numbers, for
tests; a few MB).

Writes PACK_DIR/pack.json (stages inpaint_base and inpaint_upsampler, docs/model-packs.md), the two
ONNX graphs, GLIDE's GPT-2 BPE files (tokenizer/), and check/<stage>.json: random inputs and the
PyTorch module's outputs on them. Python here has no ONNX Runtime, so the graphs are checked by the
engine's own runtime afterwards:

    java -jar target/quarkus-app/quarkus-run.jar check-pack PACK_DIR

prints the max abs error of every stage and fails above its threshold (1e-3 by default).

Debian packages only: python3-torch, python3-numpy, python3-onnx (see tools/export/README.md).
"""
import json
import shutil
import sys
from pathlib import Path

import torch as th

sys.path.insert(0, str(Path(__file__).resolve().parent))
from packtools import (UsageError, export_arguments, export_onnx, randomise, run_export,  # noqa: E402
                       tensor_json)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_REFERENCE = REPO.parent / "shared" / "reference-code" / "glide-text2im"
CHECKPOINTS = {
    "inpaint_base": ("base-inpaint.pt", "GLIDE base inpainting model (64 px)"),
    "inpaint_upsampler": ("upsample-inpaint.pt", "GLIDE inpainting upsampler (64->256 px)"),
}
# The original defaults: notebooks/inpaint.ipynb samples the base with 100 steps at guidance 5.0
# and the upsampler with "fast27"
RESPACING = {"inpaint_base": "100", "inpaint_upsampler": "fast27"}
GUIDANCE = 5.0
# --small: the same constructors with small numbers. GroupNorm32 needs multiples of 32 channels;
# the token embedding (50257 x xf_width) dominates the size, hence the narrow text transformer.
SMALL = dict(num_channels=32, num_res_blocks=1, num_head_channels=32, attention_resolutions="8",
             text_ctx=16, xf_width=8, xf_layers=1, xf_heads=2)
SMALL_SIZES = {"inpaint_base": (16, "1,1"), "inpaint_upsampler": (64, "1,1,1,1")}


def import_glide(reference_code):
    """The original package: from --reference-code, else an installed glide_text2im."""
    if reference_code is not None:
        if not (Path(reference_code) / "glide_text2im" / "model_creation.py").is_file():
            raise UsageError(f"--reference-code {reference_code}: no glide_text2im/model_creation.py "
                             "there (expected a checkout of openai/glide-text2im)")
        sys.path.insert(0, str(Path(reference_code).resolve()))
    try:
        from glide_text2im import model_creation
    except ImportError as e:
        raise UsageError(f"cannot import glide_text2im ({e}); pass --reference-code DIR "
                         "(a checkout of openai/glide-text2im)") from e
    return model_creation


def options(mc, stage, small):
    o = (mc.model_and_diffusion_defaults() if stage == "inpaint_base"
         else mc.model_and_diffusion_defaults_upsampler())
    o["inpaint"] = True
    o["use_fp16"] = False  # the engine runs float32
    if small:
        o.update(SMALL)
        o["image_size"], o["channel_mult"] = SMALL_SIZES[stage]
    return o


def build_model(mc, stage, small, seed, checkpoints=None):
    """The original module of one stage: from its checkpoint, or at random (deterministic in seed,
    so that tools/export/glide_fixtures.py rebuilds exactly the exported weights)."""
    o = options(mc, stage, small)
    th.manual_seed(seed)
    model, diffusion = mc.create_model_and_diffusion(**o)
    if checkpoints is None:
        randomise(model, seed)
    else:
        load_checkpoint(model, checkpoints / CHECKPOINTS[stage][0], stage)
    return model.eval(), o


def stage_seed(seed, stage):
    return seed + list(CHECKPOINTS).index(stage)


def require_checkpoints(folder):
    """Both files, checked before minutes are spent building a model."""
    for stage, (file, what) in CHECKPOINTS.items():
        if not (folder / file).is_file():
            raise UsageError(f"missing checkpoint {folder / file}: expected {file}, the {what} "
                             "(glide-text2im's download.py fetches it)")


def load_checkpoint(model, path, stage):
    file, what = CHECKPOINTS[stage]
    try:
        state = th.load(path, map_location="cpu")
    except Exception as e:
        raise UsageError(f"{path} is not a PyTorch checkpoint ({e}); expected {file}, the {what}") from e
    if not isinstance(state, dict):
        raise UsageError(f"{path}: expected a state dict ({file}, the {what}), got {type(state).__name__}")
    try:
        missing, unexpected = model.load_state_dict(state, strict=False)
    except RuntimeError as e:  # same names, other shapes
        raise UsageError(f"{path} does not fit the {what}: {str(e)[:400]}; expected {file}") from e
    if missing or unexpected:
        raise UsageError(f"{path} does not fit the {what}: missing {len(missing)} tensors "
                         f"{missing[:3]}, unexpected {len(unexpected)} {unexpected[:3]}; "
                         f"expected {file} (is it the other GLIDE checkpoint?)")


class InpaintStage(th.nn.Module):
    """The engine's inpaint_base / inpaint_upsampler inputs, by name, around the original module:
    the forward is the original forward with its keyword arguments."""

    def __init__(self, model, upsampler):
        super().__init__()
        self.model = model
        self.upsampler = upsampler
        # torch.onnx.export restores the wrapper's training flag on its children afterwards: a
        # wrapper left in training mode would switch the original's dropout on for the check run
        self.eval()

    def forward(self, x, timesteps, tokens, mask, inpaint_image, inpaint_mask, low_res=None):
        kwargs = dict(tokens=tokens, mask=mask, inpaint_image=inpaint_image, inpaint_mask=inpaint_mask)
        if self.upsampler:
            kwargs["low_res"] = low_res
        return self.model(x, timesteps, **kwargs)


def input_specs(o, base_size, upsampler):
    s, l = o["image_size"], o["text_ctx"]
    specs = {
        "x": ("float32", [3, s, s]),
        "timesteps": ("int64", []),
        "tokens": ("int64", [l]),
        "mask": ("bool", [l]),
        "inpaint_image": ("float32", [3, s, s]),
        "inpaint_mask": ("float32", [1, s, s]),
    }
    if upsampler:
        specs["low_res"] = ("float32", [3, base_size, base_size])
    return specs


def random_inputs(specs, batch, n_vocab, g):
    out = {}
    for name, (dtype, shape) in specs.items():
        full = [batch] + shape
        if name == "timesteps":
            out[name] = th.randint(0, 1000, full, generator=g)
        elif name == "tokens":
            out[name] = th.randint(0, n_vocab, full, generator=g)
        elif name == "mask":
            out[name] = th.rand(full, generator=g) < 0.7
        elif name == "inpaint_mask":
            out[name] = (th.rand(full, generator=g) < 0.5).float()
        else:
            out[name] = th.randn(full, generator=g)
    return out


def export_stage(wrapper, specs, path, check_path, batch, n_vocab, seed):
    names = list(specs)
    g = th.Generator().manual_seed(seed)
    export_onnx(wrapper, random_inputs(specs, 2, n_vocab, g), ["out"], path)
    check = random_inputs(specs, batch, n_vocab, g)
    with th.no_grad():
        out = wrapper(**check)
    check_path.write_text(json.dumps({"inputs": {n: tensor_json(check[n]) for n in names},
                                      "outputs": {"out": tensor_json(out)}}))


def diffusion_block(o, stage):
    return {
        # glide_text2im: get_named_beta_schedule(noise_schedule, diffusion_steps); GaussianDiffusion
        # predicts eps with learned-range variance (6 output channels) and clips x0 to [-1, 1]
        "beta_schedule": {"squaredcos_cap_v2": "cosine", "linear": "linear"}[o["noise_schedule"]],
        "num_train_timesteps": o["diffusion_steps"],
        "prediction_type": "epsilon",
        "variance_type": "learned_range",
        "clip_sample_range": 1.0,
        "respacing": RESPACING[stage],
    }


def shape_json(shape):
    return ["batch"] + shape


def main(argv=None):
    p = export_arguments(__doc__.split("\n\n")[0], DEFAULT_REFERENCE, "checkout of openai/glide-text2im",
                         "folder with base-inpaint.pt and upsample-inpaint.pt")
    p.add_argument("--seed", type=int, default=0, help="seed of the random weights and check inputs")
    return run_export(p, argv, DEFAULT_REFERENCE, lambda reference, a: export(import_glide(reference), a))


def export(mc, a):
    if a.checkpoints is not None:
        require_checkpoints(a.checkpoints)
    out = a.out
    (out / "check").mkdir(parents=True, exist_ok=True)
    (out / "tokenizer").mkdir(exist_ok=True)
    stages, opts = {}, {}
    base_size = options(mc, "inpaint_base", a.small)["image_size"]
    for stage in CHECKPOINTS:
        model, o = build_model(mc, stage, a.small, stage_seed(a.seed, stage),
                               None if a.random_init else a.checkpoints)
        opts[stage] = o
        upsampler = stage == "inpaint_upsampler"
        specs = input_specs(o, base_size, upsampler)
        file = f"{stage}.onnx"
        print(f"exporting {stage} ({sum(p.numel() for p in model.parameters()) / 1e6:.1f} M params) "
              f"to {out / file}", file=sys.stderr)
        export_stage(InpaintStage(model, upsampler), specs, out / file, out / "check" / f"{stage}.json",
                     batch=1 if upsampler else 2, n_vocab=model.tokenizer.n_vocab,
                     seed=stage_seed(a.seed, stage) + 10)
        s = o["image_size"]
        stages[stage] = {
            "file": file,
            "tokenizer": "glide",
            "image_size": s,
            "inputs": {n: {"type": t, "shape": shape_json(sh)} for n, (t, sh) in specs.items()},
            "outputs": {"out": {"type": "float32", "shape": shape_json([6, s, s])}},
            "scheduler": diffusion_block(o, stage),
        }
        if not upsampler:
            stages[stage]["guidance_scale"] = GUIDANCE
    tok_dir = Path(mc.__file__).parent / "tokenizer"
    for f in ("encoder.json.gz", "vocab.bpe.gz"):
        shutil.copyfile(tok_dir / f, out / "tokenizer" / f)
    text_ctx = {o["text_ctx"] for o in opts.values()}
    assert len(text_ctx) == 1, "both stages read the same tokens"
    up = opts["inpaint_upsampler"]["image_size"]
    pack = {
        "format": 2,
        "name": "glide-inpaint" + ("-small-random" if a.small else "-random" if a.random_init else ""),
        "version": "1",
        "license": "MIT",
        "description": ("GLIDE (filtered) text-conditional inpainting, openai/glide-text2im: "
                        f"{base_size} px base with classifier-free guidance, {base_size}->{up} px "
                        "inpainting upsampler" + (" (random weights, for tests)" if a.random_init else "")),
        "image_size": up,
        "tokenizers": {"glide": {"kind": "gpt2-bpe", "encoder": "tokenizer/encoder.json.gz",
                                 "merges": "tokenizer/vocab.bpe.gz", "context_length": text_ctx.pop()}},
        "stages": stages,
    }
    (out / "pack.json").write_text(json.dumps(pack, indent=2) + "\n")
    print(f"wrote {out / 'pack.json'}; check the graphs in ONNX Runtime with: check-pack {out}",
          file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
