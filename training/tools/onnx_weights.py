"""Rebuild the training code's PyTorch modules from a pack's own ONNX files, so that the reference pipeline
(reference_pipeline.py) runs on a fresh clone without the checkpoints of a training run (training/work/ckpt).

  /usr/bin/python3 training/tools/onnx_weights.py [PACK [FIXTURES]]
      # rebuild every stage, re-export it and compare its initializers with the pack's; with FIXTURES (the pack's
      # fixture folder, make_fixtures.py) also replay the pipeline fixtures' recorded noise through the rebuilt
      # modules and compare the images (exit status 1 when anything differs)

  import onnx_weights
  m = onnx_weights.PackModels("models/tiny")        # a reference_pipeline.Models with the pack's weights
  sr = onnx_weights.super_res()                     # the super-res alone (tools/diagnose_sr.py)

How: export each stage as the pack's file was made (export.py's wrapper, stage_inputs, names, dynamic axes, opset)
from modules holding random, distinct weights; the two graphs must have the same structure (operators and
initializer shapes in the same order), so their initializers pair up by position. Match every initializer of that
export to the torch parameter it came from by value (constant folding turns some into transposed or reshaped copies,
e.g. a Linear's weight as its transpose, GroupNorm's affine as 'onnx::Mul_*'), then copy the pack's value of the
same position into that parameter. What no ONNX file holds comes from the pack's side data: the decoder's null image
embedding and the CLIP embedding statistics (side/*.f32, named in pack.json).

Packs made differently are re-exported the way they were made: a pack upgraded from format 1 by
tools/export/format2.py (the tiny pack until its 2026-12 retrain) has a decoder composed of text_proj and the decoder
exported apart, and a super-res with a Concat in front; two super-res parameterisations exist (models.SuperRes
residual=False before issue 12, residual=True after). The one whose export has the pack's structure is used.
"""
import io
import json
import os
import pathlib
import sys
import tempfile

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common  # noqa: E402
import models as M  # noqa: E402
import reference_pipeline as ref  # noqa: E402
from common import CFG  # noqa: E402
from tokenizer import ClipTokenizer  # noqa: E402

# parameters that no exported graph uses: the null image embedding is side data (side/null_image_embedding.f32)
SIDE_PARAMETERS = {"decoder": {"text_proj.null"}}


def _inits(model):
    return {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}


def _export(wrapper, inputs, outputs):
    """The stage exported as export.py exports it (names, dynamic batch, opset 17, constant folding), in memory."""
    buf = io.BytesIO()
    dyn = {n: {0: "batch"} for n in list(inputs) + outputs}
    torch.onnx.export(wrapper.eval(), tuple(inputs.values()), buf, input_names=list(inputs), output_names=outputs,
                      dynamic_axes=dyn, opset_version=17, do_constant_folding=True)
    return onnx.load_from_string(buf.getvalue())


def _structure(model):
    return [n.op_type for n in model.graph.node], [tuple(i.dims) for i in model.graph.initializer]


def _randomise(wrapper):
    """Distinct values in every parameter, so that each one is recognisable in the export."""
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for p in wrapper.parameters():
            p.copy_(torch.randn(p.shape, generator=g))


def exporter(stage, wrapper, inputs, outputs, pack_model):
    """How the pack's file for this stage was made: export.py's export of the wrapper, or, for a pack upgraded from
    format 1 by tools/export/format2.py (the tiny pack before its 2026-12 retrain), the format-1 exports of the parts
    put together by that same tool."""
    inits = {i.name for i in pack_model.graph.initializer}
    if stage == "decoder" and any(n.endswith("format2_mask_pads") for n in inits):  # merge_models prefixes it
        return lambda: _upgraded_decoder(wrapper, inputs)
    if stage.startswith("super_res") and pack_model.graph.node[0].output[0] == "format2_sample_and_low_res":
        return lambda: _upgraded_super_res(wrapper.m, inputs)
    return lambda: _export(wrapper, inputs, outputs)


def _format2():
    sys.path.insert(0, os.path.join(common.ROOT, "tools", "export"))
    import format2
    return format2


def _upgraded_decoder(wrapper, inputs):
    """text_proj and decoder exported apart with format 1's inputs, joined by format2.py as it joined the pack's."""
    text_proj, decoder = wrapper.text_proj, wrapper.decoder
    proj_in = {"image_embeddings": inputs["image_embeds"], "prompt_embeds": inputs["text_embeds"],
               "text_encoder_hidden_states": inputs["text_hidden_states"]}
    with torch.no_grad():
        ehs, cls = text_proj(*proj_in.values())
    mask = inputs["attention_mask"]
    padded = torch.cat([torch.ones(mask.shape[0], text_proj.k, dtype=torch.bool), mask], 1)
    with tempfile.TemporaryDirectory() as tmp:
        onnx.save(_export(text_proj, proj_in, ["encoder_hidden_states", "class_labels"]),
                  os.path.join(tmp, "text_proj.onnx"))
        onnx.save(_export(decoder, {"sample": inputs["sample"], "timestep": inputs["timestep"],
                                    "encoder_hidden_states": ehs, "class_labels": cls, "attention_mask": padded},
                          ["out_sample"]), os.path.join(tmp, "decoder.onnx"))
        manifest = {"stages": {"text_proj": {"file": "text_proj.onnx"},
                               "decoder": {"file": "decoder.onnx",
                                           "inputs": {"attention_mask": {"shape": ["batch", padded.shape[1]]}}},
                               "text_encoder": {"inputs": {"input_ids": {"shape": ["batch", mask.shape[1]]}}}}}
        return _format2().decoder_graph(pathlib.Path(tmp), manifest)


def _upgraded_super_res(sr, inputs):
    """The 6-channel format-1 super-res with format2.py's Concat in front."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "super_res.onnx")
        sample = torch.cat([inputs["sample"], inputs["low_res"]], 1)
        onnx.save(_export(sr, {"sample": sample, "timestep": inputs["timestep"]}, ["out_sample"]), path)
        return _format2().super_res_graph(pathlib.Path(path))


def load_into(wrapper, export_fn, pack_model, skip=()):
    """Fills wrapper's parameters (all but `skip`) with the values of the same stage's ONNX model pack_model;
    export_fn() exports wrapper as the pack's file was made (exporter()). Raises when the two exports differ in
    structure or a parameter has no initializer."""
    _randomise(wrapper)
    mine_model = export_fn()
    if _structure(mine_model) != _structure(pack_model):
        raise RuntimeError("the module's export differs in structure from the pack's")
    mine = _inits(mine_model)
    theirs = list(_inits(pack_model).values())  # same structure: initializers pair up by position
    params = dict(wrapper.named_parameters())
    by_sum = {}
    for k, p in params.items():
        by_sum.setdefault(round(float(p.detach().double().abs().sum()), 3), []).append(k)
    done = set()
    with torch.no_grad():
        for pos, val in enumerate(mine.values()):
            if val.dtype != np.float32 or val.size < 2:
                continue
            src = theirs[pos]
            for k in by_sum.get(round(float(np.abs(val.astype(np.float64)).sum()), 3), []):
                p = params[k].detach().numpy()
                if val.size != p.size:
                    continue
                if np.array_equal(val.reshape(p.shape), p):
                    params[k].copy_(torch.from_numpy(src.reshape(p.shape).copy()))
                elif val.ndim == 2 and np.array_equal(val.T, p):
                    params[k].copy_(torch.from_numpy(src.T.copy()))
                else:
                    continue
                done.add(k)
    missing = sorted(set(params) - done - set(skip))
    if missing:
        raise RuntimeError(f"no initializer found for {missing}")
    return wrapper.eval().requires_grad_(False)


def same_initializers(export_fn, pack_model):
    """The re-export check: every initializer of the loaded module's export equals the pack's, in the same order."""
    a = list(_inits(export_fn()).values())
    b = list(_inits(pack_model).values())
    return len(a) == len(b) and all(x.dtype == y.dtype and np.array_equal(x, y) for x, y in zip(a, b))


def _f32(pack, manifest, key):
    return torch.from_numpy(np.fromfile(os.path.join(pack, manifest["side_data"][key]), dtype="<f4").copy())


class PackModels(ref.Models):
    """reference_pipeline.Models built from a pack folder (its ONNX files, side data and tokenizer) instead of
    checkpoints. check=True also re-exports every rebuilt stage and records in self.checks whether its initializers
    equal the pack's. only: the stages to rebuild (default all; the others keep random weights)."""

    def __init__(self, pack=common.PACK, check=False, only=None):
        import export  # super().__init__ is not called: it reads checkpoints
        self.pack = pack
        manifest = json.load(open(os.path.join(pack, "pack.json")))
        if manifest.get("format") != 2:
            raise ValueError(f"{pack}: pack format {manifest.get('format')}, this reads format 2 (tiny packs)")
        clip_tok = manifest["tokenizers"]["clip"]
        self.tok = ClipTokenizer(os.path.join(pack, clip_tok["merges"]), clip_tok["context_length"])
        V = self.tok.vocab_size
        self.clip = M.Clip(V, CFG["L"], CFG["C"])
        self.prior = M.Prior(CFG["C"], CFG["W"], CFG["L"], CFG["prior_d"], CFG["prior_layers"])
        self.text_proj = M.TextProj(CFG["C"], CFG["W"], CFG["D"], 4 * CFG["dec_ch"], CFG["n_img_tokens"])
        self.decoder = M.Decoder(CFG["D"], CFG["dec_ch"])
        self.inpaint = M.Inpaint(V, CFG["L"], CFG["inp_W"], CFG["inp_ch"])
        self.sr = M.SuperRes(CFG["sr_ch"])
        self.sr_first = self.sr_last = self.sr
        self.clip_mean = _f32(pack, manifest, "clip_mean")
        self.clip_std = _f32(pack, manifest, "clip_std")
        self.null = _f32(pack, manifest, "null_image_embedding")
        with torch.no_grad():
            self.text_proj.null.copy_(self.null)
        self.meta = {"pack": pack}
        self.checks = {}
        stages = manifest["stages"]
        inputs = export.stage_inputs(self)  # needs only the tokenizer and the encoders' shapes, not their weights
        loaded = {}
        for stage, (ins, outs) in inputs.items():
            path = os.path.join(pack, stages[stage]["file"])
            if path in loaded or (only is not None and stage not in only):  # super_res_first/_last: one file
                continue
            pack_model = onnx.load(path)
            if stage.startswith("super_res"):
                export_fn = self._super_res(export, stage, ins, outs, pack_model)
            else:
                wrapper = export.stage_modules(self)[stage]
                export_fn = exporter(stage, wrapper, ins, outs, pack_model)
                try:
                    load_into(wrapper, export_fn, pack_model, SIDE_PARAMETERS.get(stage, ()))
                except RuntimeError as e:
                    raise RuntimeError(f"{path}: {e}") from e
            loaded[path] = stage
            if check:
                self.checks[stage] = same_initializers(export_fn, pack_model)
        for m in (self.clip, self.prior, self.text_proj, self.decoder, self.sr, self.inpaint):
            m.eval().requires_grad_(False)

    def _super_res(self, export, stage, ins, outs, pack_model):
        """Loads whichever parameterisation has the pack's structure; returns its export function."""
        for residual in (True, False):
            self.sr = M.SuperRes(CFG["sr_ch"], residual=residual)
            self.sr_first = self.sr_last = self.sr
            wrapper = export.SuperResW(self.sr)
            export_fn = exporter(stage, wrapper, ins, outs, pack_model)
            _randomise(wrapper)
            if _structure(export_fn()) == _structure(pack_model):
                self.meta["sr_residual"] = residual
                load_into(wrapper, export_fn, pack_model)
                return export_fn
        raise RuntimeError(f"{self.pack}: super_res.onnx matches neither the plain nor the residual super-res")


def super_res(pack=common.PACK):
    """The pack's super-res alone (models.SuperRes, plain or residual as the pack's graph says)."""
    return PackModels(pack, only={"super_res_first"}).sr


def replay_fixtures(m, fixtures):
    """Largest difference between the images the rebuilt modules make from the pipeline fixtures' recorded noise
    and the fixtures' images, per pipeline."""
    import base64
    types = {"float16": "<f2", "float32": "<f4", "int32": "<i4", "int64": "<i8", "bool": "|b1", "uint8": "|u1"}

    def tens(d):  # make_fixtures.tensor's encoding; float16 holds float32 values drawn on the float16 grid
        a = np.frombuffer(base64.b64decode(d["b64"]), dtype=types[d["dtype"]]).reshape(d["shape"])
        return torch.from_numpy(a.astype(np.float32) if d["dtype"] == "float16" else a.copy())

    def replay(stages):
        return {k: {"x_T": tens(v["x_T"]), "noise": [tens(n) for n in v["noise"]]} for k, v in stages.items()}

    errs = {}
    for kind in ("text_to_image", "variation", "inpaint"):
        f = json.load(open(os.path.join(fixtures, f"pipeline_{kind}.json")))
        q, inter = f["request"], f["intermediates"]
        ns = ref.NoiseSource(replay=replay(f["stages"]))
        if kind == "text_to_image":
            img, _, _ = ref.text_to_image(m, q["prompt"], B=q["batch"], ns=ns, prior_steps=q["prior_steps"],
                                          prior_guidance=q["prior_guidance"], decoder_steps=q["decoder_steps"],
                                          decoder_guidance=q["decoder_guidance"], sr_steps=q["super_res_steps"])
        elif kind == "variation":
            img, _, _ = ref.variation(m, tens(inter["source_image"]).numpy(), ns=ns, n=q["batch"],
                                      decoder_steps=q["decoder_steps"], decoder_guidance=q["decoder_guidance"],
                                      sr_steps=q["super_res_steps"])
        else:
            img, _, _ = ref.inpaint(m, tens(inter["source_image"]).numpy(), tens(inter["keep_mask"]), q["prompt"],
                                    ns=ns, inpaint_steps=q["inpaint_steps"], inpaint_guidance=q["inpaint_guidance"],
                                    sr_steps=q["super_res_steps"])
        errs[kind] = float((img - tens(f["image"])).abs().max())
    return errs


def main():
    import time
    torch.set_num_threads(common.THREADS)
    pack = sys.argv[1] if len(sys.argv) > 1 else common.PACK
    start = time.perf_counter()
    m = PackModels(pack, check=True)
    print(f"{pack}: rebuilt in {time.perf_counter() - start:.1f} s (super-res residual: {m.meta['sr_residual']})")
    ok = all(m.checks.values())
    for stage, same in m.checks.items():
        print(f"  {stage:15s} re-export's initializers equal the pack's: {same}")
    if len(sys.argv) > 2:
        for kind, err in replay_fixtures(m, sys.argv[2]).items():
            print(f"  pipeline {kind:13s} image vs fixture, max abs difference: {err:.2e}")
            # not bit for bit: the fixtures were recorded in another process (thread count, BLAS), and float32 sums
            # in another order differ in the last bits (1.3e-5 seen); a wrong weight moves pixels by far more
            ok = ok and err < 1e-4
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
