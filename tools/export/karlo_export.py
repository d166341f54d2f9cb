#!/usr/bin/python3
"""Export Karlo v1.0.alpha unCLIP (kakaobrain/karlo) to an Unclip Studio model pack (format 2).

    python3 tools/export/karlo.py --checkpoints DIR --out PACK_DIR [--sampling default|fast]
    python3 tools/export/karlo.py --random-init [--small] --out PACK_DIR

The models are built by the ORIGINAL code: Karlo's `CustomizedCLIP` (OpenAI CLIP ViT-L/14 with
Karlo's `encode_text` returning the token sequence too), `PriorDiffusionModel`,
`Text2ImProgressiveModel` and `ImprovedSupRes64to256ProgressiveModel` with Karlo's own configs
(configs/prior_1B_vit_l.yaml, decoder_900M_vit_l.yaml, improved_sr_64_256_1.4B.yaml), found with
`--reference-code DIR` (a folder holding the `karlo/` and `clip/` checkouts; default
../shared/reference-code beside the repository) or as installed `karlo` and `clip` packages.
`--checkpoints DIR` loads the files by the names Karlo's README gives them (CHECKPOINTS below) with
Karlo's own loaders; `--random-init` uses random weights (`--small`: the same constructors with
small numbers, for tests).

Stages written (docs/model-packs.md): text_encoder and image_encoder (CLIP), prior, decoder (the
text projection is inside Karlo's decoder, hence pack format 2), super_res_first (Karlo's
`model_first_steps`) and super_res_last (`model_last_step`); side data clip_mean / clip_std (from
ViT-L-14_stats.th) and null_image_embedding (the decoder's learned `cf_param`, which Karlo feeds
to the unconditional half); CLIP's BPE file as the tokenizer. Defaults are Karlo's SAMPLING_CONF:
prior "25" at guidance 4.0, decoder "50" ("25" with --sampling fast) at 8.0, super-res "7".
Every graph is written with check/<stage>.json (random inputs and the PyTorch module's outputs);
Python here has no ONNX Runtime, so the engine's runtime compares them:

    java -jar target/quarkus-app/quarkus-run.jar check-pack PACK_DIR

Graphs whose weights pass 1.8 GB keep them in one external data file beside the graph
(`decoder.onnx.data`).

Debian has no `ftfy`; CLIP's tokenizer calls only `ftfy.fix_text`, so where it is missing a stand-in
that returns the text unchanged is installed (prompts that need no mojibake repair tokenize the same).

Debian packages only: python3-torch, python3-torchvision, python3-numpy, python3-onnx,
python3-omegaconf, python3-regex (see tools/export/README.md).
"""
import gzip
import json
import sys
import time
import types
from pathlib import Path

import numpy as np
import torch as th

sys.path.insert(0, str(Path(__file__).resolve().parent))
from packtools import (UsageError, copy_file, export_arguments, export_onnx, randomise,  # noqa: E402
                       run_export, write_check)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_REFERENCE = REPO.parent / "shared" / "reference-code"
CHECKPOINTS = {  # karlo/sampler/template.py CKPT_PATH and Karlo's README
    "clip": ("ViT-L-14.pt", "CLIP ViT-L/14 (Karlo's copy)"),
    "clip_stats": ("ViT-L-14_stats.th", "CLIP image-embedding mean and std"),
    "prior": ("prior-ckpt-step=01000000-of-01000000.ckpt", "Karlo prior"),
    "decoder": ("decoder-ckpt-step=01000000-of-01000000.ckpt", "Karlo decoder"),
    "sr_256": ("improved-sr-ckpt-step=1.2M.ckpt", "Karlo improved super-resolution 64->256"),
}
CONFIGS = {"prior": "prior_1B_vit_l.yaml", "decoder": "decoder_900M_vit_l.yaml",
           "sr_256": "improved_sr_64_256_1.4B.yaml"}
CLIP_VIT_L14 = dict(embed_dim=768, image_resolution=224, vision_layers=24, vision_width=1024,
                    vision_patch_size=14, context_length=77, vocab_size=49408, transformer_width=768,
                    transformer_heads=12, transformer_layers=12)
# --small: the same constructors with small numbers. The text width must equal the embedding width
# (Karlo projects both with one Linear(clip_dim, ...)); the 49408-token embedding dominates the size.
# Context 77 and CLIP input 224 stay: Karlo's samplers hard-code them.
SMALL = {
    "clip": dict(embed_dim=16, image_resolution=224, vision_layers=1, vision_width=64, vision_patch_size=32,
                 context_length=77, vocab_size=49408, transformer_width=16, transformer_heads=2,
                 transformer_layers=1),
    "prior": dict(xf_width=64, xf_layers=1, xf_heads=2, clip_dim=16),
    "decoder": dict(image_size=16, num_channels=32, num_res_blocks=1, channel_mult="1,1",
                    attention_resolutions="8", num_head_channels=32, clip_dim=16, xf_width=32, dropout=0.0),
    "sr_256": dict(channels=32, depth=1, channels_multiple=[1, 1]),
}
SAMPLING = {  # karlo/sampler/template.py SAMPLING_CONF
    "default": {"prior": "25", "prior_guidance": 4.0, "decoder": "50", "decoder_guidance": 8.0, "sr": "7"},
    "fast": {"prior": "25", "prior_guidance": 4.0, "decoder": "25", "decoder_guidance": 8.0, "sr": "7"},
}
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]  # karlo/sampler/i2i.py
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
SEEDS = {"clip": 0, "prior": 1, "decoder": 2, "sr_256": 3}
# The UNets' zero-initialised output layers are drawn small: at N(0, 0.1²) a random decoder at guidance
# 8.0 or a random super-resolution amplifies a 1e-5 difference of its inputs ~4,000 times over a
# sampling loop (measured), so no two float32 runtimes could agree; at 0.01 it is ~3 (super-res) and
# ~50 (decoder, 50 steps at 8.0), and every output still depends on every layer.
QUIET = 0.01


class Karlo:
    """The original modules, imported once from the reference code or installed packages."""

    def __init__(self, reference_code):
        if reference_code is not None:
            for sub, probe in (("karlo", "karlo/models/prior_model.py"), ("clip", "clip/model.py")):
                if not (Path(reference_code) / sub / probe).is_file():
                    raise UsageError(f"--reference-code {reference_code}: no {sub}/{probe} there (expected "
                                     "the kakaobrain/karlo and openai/CLIP checkouts as karlo/ and clip/)")
                sys.path.insert(0, str((Path(reference_code) / sub).resolve()))
        try:
            import ftfy  # noqa: F401
        except ImportError:
            stand_in = types.ModuleType("ftfy")
            stand_in.fix_text = lambda text: text
            sys.modules["ftfy"] = stand_in
        try:
            from karlo.models import clip as karlo_clip
            from karlo.models.decoder_model import Text2ImProgressiveModel
            from karlo.models.prior_model import PriorDiffusionModel
            from karlo.models.sr_64_256 import ImprovedSupRes64to256ProgressiveModel
            from omegaconf import OmegaConf
        except ImportError as e:
            raise UsageError(f"cannot import Karlo ({e}); pass --reference-code DIR holding the karlo/ and "
                             "clip/ checkouts") from e
        self.clip_module = karlo_clip
        self.Prior = PriorDiffusionModel
        self.Decoder = Text2ImProgressiveModel
        self.SuperRes = ImprovedSupRes64to256ProgressiveModel
        self.OmegaConf = OmegaConf
        import karlo
        self.configs = Path(karlo.__file__).resolve().parents[1] / "configs"
        self.tokenizer = karlo_clip.CustomizedTokenizer()

    def config(self, model, small):
        cfg = self.OmegaConf.load(str(self.configs / CONFIGS[model]))
        if small:
            for k, v in SMALL[model].items():
                cfg.model.hparams[k] = v
        return cfg

    def clip(self, small, checkpoints=None):
        if checkpoints is not None:
            return load(lambda p: self.clip_module.CustomizedCLIP.load_from_checkpoint(str(p)), checkpoints, "clip")
        th.manual_seed(SEEDS["clip"])
        return self.clip_module.CustomizedCLIP(**(SMALL["clip"] if small else CLIP_VIT_L14)).eval()

    def clip_stats(self, embed_dim, checkpoints=None):
        if checkpoints is not None:
            mean, std = load(lambda p: th.load(p, map_location="cpu"), checkpoints, "clip_stats")
            if mean.shape != (embed_dim,) or std.shape != (embed_dim,):
                raise UsageError(f"{checkpoints / CHECKPOINTS['clip_stats'][0]}: expected two vectors of "
                                 f"{embed_dim}, got {tuple(mean.shape)} and {tuple(std.shape)}")
            return mean.float(), std.float()
        g = th.Generator().manual_seed(SEEDS["clip"] + 100)
        return th.randn(embed_dim, generator=g) * 0.1, th.rand(embed_dim, generator=g) * 0.5 + 0.5

    def prior(self, small, mean, std, checkpoints=None):
        cfg = self.config("prior", small)
        if checkpoints is not None:
            return load(lambda p: self.Prior.load_from_checkpoint(cfg, self.tokenizer, mean, std, str(p)),
                        checkpoints, "prior").eval()
        th.manual_seed(SEEDS["prior"])
        model = self.Prior(cfg, self.tokenizer, mean, std)
        randomise(model, SEEDS["prior"])
        return model.eval()

    def decoder(self, small, checkpoints=None):
        cfg = self.config("decoder", small)
        if checkpoints is not None:
            return load(lambda p: self.Decoder.load_from_checkpoint(cfg, self.tokenizer, str(p)),
                        checkpoints, "decoder").eval()
        th.manual_seed(SEEDS["decoder"])
        model = self.Decoder(cfg, self.tokenizer)
        randomise(model, SEEDS["decoder"], also=("cf_param",), scale=QUIET)  # cf_param: th.empty
        return model.eval()

    def super_res(self, small, checkpoints=None):
        cfg = self.config("sr_256", small)
        if checkpoints is not None:
            return load(lambda p: self.SuperRes.load_from_checkpoint(cfg, str(p)), checkpoints, "sr_256").eval()
        th.manual_seed(SEEDS["sr_256"])
        model = self.SuperRes(cfg)
        randomise(model, SEEDS["sr_256"], scale=QUIET)
        return model.eval()


def load(loader, folder, key):
    """One checkpoint by its original name, through the original loader; any failure names the file."""
    file, what = CHECKPOINTS[key]
    path = folder / file
    if not path.is_file():
        raise UsageError(f"missing checkpoint {path}: expected {file}, the {what} (Karlo's README lists "
                         "where to download it)")
    try:
        return loader(path)
    except (RuntimeError, KeyError, AttributeError, ValueError, TypeError, EOFError) as e:
        text = str(e).split("\n")[0][:300]
        raise UsageError(f"{path} is not the {what} ({type(e).__name__}: {text}); expected {file}") from e
    except Exception as e:  # pickle errors of a file that is not a checkpoint at all
        raise UsageError(f"{path} cannot be read as the {what} ({type(e).__name__}: {str(e)[:200]}); "
                         f"expected {file}") from e


# ---------------------------------------------------------------- stages: the original forwards by name

class TextEncoder(th.nn.Module):
    def __init__(self, clip):
        super().__init__()
        self.clip = clip

    def forward(self, input_ids):
        return self.clip.encode_text(input_ids)  # text_embeds (EOT, projected), last_hidden_state


class ImageEncoder(th.nn.Module):
    def __init__(self, clip):
        super().__init__()
        self.clip = clip

    def forward(self, pixel_values):
        return self.clip.encode_image(pixel_values)


class Prior(th.nn.Module):
    def __init__(self, prior):
        super().__init__()
        self.prior = prior

    def forward(self, hidden_states, timestep, proj_embedding, encoder_hidden_states, attention_mask):
        return self.prior.model(hidden_states, timestep, text_emb=proj_embedding, text_enc=encoder_hidden_states,
                                mask=attention_mask, causal_mask=self.prior.causal_mask)


class Decoder(th.nn.Module):
    def __init__(self, decoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, sample, timestep, image_embeds, text_embeds, text_hidden_states, attention_mask):
        return self.decoder.model(sample, timestep, txt_feat=text_embeds, txt_feat_seq=text_hidden_states,
                                  mask=attention_mask, y=image_embeds)


class SuperRes(th.nn.Module):
    def __init__(self, unet):
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, low_res):
        return self.unet(sample, timestep, low_res=low_res)


def stage_inputs(stage, dims, batch, g):
    """Random inputs of one stage, by name, in the graph's input order."""
    c, l, w, clip_size = dims["C"], dims["L"], dims["W"], dims["clip_size"]
    s, u = dims.get("S"), dims.get("U")  # known once the decoder is built

    def randn(*shape):
        return th.randn((batch,) + shape, generator=g)

    def timestep():
        return th.randint(0, 1000, (batch,), generator=g)

    def mask():  # SOT..EOT: a prefix of true positions
        lengths = th.randint(2, l + 1, (batch,), generator=g)
        return th.arange(l)[None, :] < lengths[:, None]

    if stage == "text_encoder":
        ids = th.randint(1, 49406, (batch, l), generator=g, dtype=th.int32)
        ids[:, 0] = 49406
        ids[:, l // 2] = 49407  # EOT: the highest id, where the text embedding is pooled
        return {"input_ids": ids}
    if stage == "image_encoder":
        return {"pixel_values": randn(3, clip_size, clip_size)}
    if stage == "prior":
        return {"hidden_states": randn(c), "timestep": timestep(), "proj_embedding": randn(c),
                "encoder_hidden_states": randn(l, w), "attention_mask": mask()}
    if stage == "decoder":
        return {"sample": randn(3, s, s), "timestep": timestep(), "image_embeds": randn(c), "text_embeds": randn(c),
                "text_hidden_states": randn(l, w), "attention_mask": mask()}
    return {"sample": randn(3, u, u), "timestep": timestep(), "low_res": randn(3, u, u)}


OUTPUTS = {"text_encoder": ["text_embeds", "last_hidden_state"], "image_encoder": ["image_embeds"],
           "prior": ["predicted_image_embedding"], "decoder": ["out_sample"],
           "super_res_first": ["out_sample"], "super_res_last": ["out_sample"]}


def shape_spec(t, dtype=None):
    name = dtype or {th.float32: "float32", th.int64: "int64", th.int32: "int32", th.bool: "bool"}[t.dtype]
    return {"type": name, "shape": ["batch"] + list(t.shape[1:])}


def scheduler(prediction, variance, clip_range, respacing):
    # Karlo: GaussianDiffusion with noise_schedule squaredcos_cap_v2, 1000 steps
    return {"beta_schedule": "cosine", "num_train_timesteps": 1000, "prediction_type": prediction,
            "variance_type": variance, "clip_sample_range": clip_range, "respacing": respacing}


def export_stage(out, stage, build, dims, seed, check_batch, stages, extra, resume):
    """Exports one stage; `build` makes its module, only when needed: with `resume`, a stage whose graph
    and check file are there from an interrupted run is kept (its check file says its shapes)."""
    file = out / f"{stage}.onnx"
    check_file = out / "check" / f"{stage}.json"
    if resume and file.is_file() and check_file.is_file():  # the check is written after the graph
        check = json.loads(check_file.read_text())
        stages[stage] = {"file": file.name, **extra,
                         "inputs": {n: {"type": t["dtype"], "shape": ["batch"] + t["shape"][1:]}
                                    for n, t in check["inputs"].items()},
                         "outputs": {n: {"type": t["dtype"], "shape": ["batch"] + t["shape"][1:]}
                                     for n, t in check["outputs"].items()}}
        print(f"kept {stage} from the interrupted run ({file})", file=sys.stderr)
        return
    module = build().eval()
    g = th.Generator().manual_seed(seed)
    example = stage_inputs(stage, dims, 2, g)
    params = sum(p.numel() for p in module.parameters())
    print(f"exporting {stage} ({params / 1e6:.1f} M params) to {file}", file=sys.stderr)
    started = time.monotonic()
    export_onnx(module, example, OUTPUTS[stage], file)
    check = stage_inputs(stage, dims, check_batch, g)
    outputs = write_check(module, check, OUTPUTS[stage], check_file)
    stages[stage] = {"file": file.name, **extra,
                     "inputs": {n: shape_spec(t) for n, t in example.items()},
                     "outputs": {n: shape_spec(t) for n, t in zip(OUTPUTS[stage], outputs)}}
    print(f"  {time.monotonic() - started:.0f} s, {sum(f.stat().st_size for f in out.glob(file.name + '*')) / 1e6:.1f} MB",
          file=sys.stderr)


def export(k, a):
    out = a.out
    ck = a.checkpoints
    if ck is not None:  # every file present before minutes are spent building models
        for key, (file, what) in CHECKPOINTS.items():
            if not (ck / file).is_file():
                raise UsageError(f"missing checkpoint {ck / file}: expected {file}, the {what} (Karlo's README "
                                 "lists where to download it)")
    (out / "check").mkdir(parents=True, exist_ok=True)
    (out / "side").mkdir(exist_ok=True)
    sampling = SAMPLING[a.sampling]
    stages = {}

    clip = k.clip(a.small, ck)
    c = clip.text_projection.shape[1]
    dims = {"C": c, "L": clip.context_length, "W": clip.transformer.width, "clip_size": clip.visual.input_resolution,
            "S": k.config("decoder", a.small).model.hparams.image_size}
    dims["U"] = 4 * dims["S"]  # Karlo's 64 -> 256
    if dims["W"] != c:
        raise UsageError(f"CLIP text width {dims['W']} differs from its embedding width {c}: Karlo's prior and "
                         "decoder need them equal")
    resume = a.resume
    export_stage(out, "text_encoder", lambda: TextEncoder(clip), dims, 10, 3, stages, {"tokenizer": "clip"}, resume)
    export_stage(out, "image_encoder", lambda: ImageEncoder(clip), dims, 11, 1, stages,
                 {"image_size": dims["clip_size"]}, resume)
    del clip

    mean, std = k.clip_stats(c, ck)
    write_f32(out / "side" / "clip_mean.f32", mean)
    write_f32(out / "side" / "clip_std.f32", std)
    export_stage(out, "prior", lambda: Prior(k.prior(a.small, mean, std, ck)), dims, 12, 3, stages,
                 {"scheduler": scheduler("sample", "fixed_small_log", 10.0, sampling["prior"]),
                  "guidance_scale": sampling["prior_guidance"]}, resume)

    def decoder():
        model = k.decoder(a.small, ck)
        write_f32(out / "side" / "null_image_embedding.f32", model.model.cf_param.detach())
        return Decoder(model)

    if not (out / "side" / "null_image_embedding.f32").is_file():
        resume = False  # the decoder must be built for its cf_param
    export_stage(out, "decoder", decoder, dims, 13, 3, stages,
                 {"image_size": dims["S"],
                  "scheduler": scheduler("epsilon", "learned_range", 1.0, sampling["decoder"]),
                  "guidance_scale": sampling["decoder_guidance"]}, resume)

    sr = []  # built once for both of its stages

    def super_res():
        if not sr:
            sr.append(k.super_res(a.small, ck))
        return sr[0]

    sr_block = {"image_size": dims["U"], "scheduler": scheduler("epsilon", "fixed_small_log", 1.0, sampling["sr"])}
    export_stage(out, "super_res_first", lambda: SuperRes(super_res().model_first_steps), dims, 14, 1, stages,
                 sr_block, a.resume)
    export_stage(out, "super_res_last", lambda: SuperRes(super_res().model_last_step), dims, 15, 1, stages,
                 sr_block, a.resume)
    sr.clear()

    bpe = Path(k.clip_module.default_bpe())
    copy_file(bpe, out / "tokenizer" / bpe.name)
    with gzip.open(bpe, "rt", encoding="utf-8") as f:
        merges = sum(1 for _ in f) - 1  # a header line, then one merge per line
    kind = "random weights, for tests" if a.random_init else "exported from the original checkpoints"
    pack = {
        "format": 2,
        "name": "karlo" + ("-small-random" if a.small else "-random" if a.random_init else ""),
        "version": "1.0.alpha",
        "license": "CreativeML Open RAIL-M",
        "description": (f"Karlo v1.0.alpha unCLIP (kakaobrain/karlo): CLIP ViT-L/14 text and image encoders, "
                        f"diffusion prior, {dims['S']} px decoder, improved {dims['S']}->{dims['U']} px "
                        f"super-resolution ({kind})"),
        "image_size": dims["U"],
        "tokenizers": {"clip": {"kind": "clip-bpe", "merges": f"tokenizer/{bpe.name}",
                                # CLIP's tokenizer reads merges 1 .. 49152-256-2 of the file
                                "max_merges": min(merges, 49152 - 256 - 2), "context_length": dims["L"]}},
        # karlo/sampler/i2i.py: TVF.resize of the PIL image to [224, 224] (8-bit, no crop), to_tensor, normalise
        "clip": {"embed_dim": c, "image_size": dims["clip_size"], "image_mean": CLIP_MEAN, "image_std": CLIP_STD,
                 "resample": "pil", "crop": "none"},
        "side_data": {"clip_mean": "side/clip_mean.f32", "clip_std": "side/clip_std.f32",
                      "null_image_embedding": "side/null_image_embedding.f32"},
        "stages": stages,
    }
    (out / "pack.json").write_text(json.dumps(pack, indent=2) + "\n")
    print(f"wrote {out / 'pack.json'}; check the graphs in ONNX Runtime with: check-pack {out}", file=sys.stderr)


def write_f32(path, t):
    np.asarray(t.detach().cpu().numpy(), dtype="<f4").tofile(path)


def main(argv=None):
    p = export_arguments(__doc__.split("\n\n")[0], DEFAULT_REFERENCE, "folder with the karlo/ and clip/ checkouts",
                         "folder with Karlo's checkpoint files (CHECKPOINTS)")
    p.add_argument("--sampling", choices=sorted(SAMPLING), default="default",
                   help="Karlo's SAMPLING_CONF whose step counts become the pack's defaults")
    p.add_argument("--resume", action="store_true",
                   help="keep the stages an interrupted run of the same command finished (graph and check file)")
    return run_export(p, argv, DEFAULT_REFERENCE, lambda reference, a: export(Karlo(reference), a))


if __name__ == "__main__":
    sys.exit(main())
