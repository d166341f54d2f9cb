"""Export the trained tiny family to ONNX (opset 17) + pack.json (format 2) + side data into models/tiny/."""
import json
import os

import numpy as np
import onnx
import torch
import torch.nn as nn

import common
import models as M
from common import CFG, PACK, log
from reference_pipeline import Models, DEFAULTS


class TextEncoderW(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids):
        return self.m(input_ids)


class DecoderW(nn.Module):
    """Format 2's decoder: the raw conditioning in, projected inside (as Karlo's decoder does)."""

    def __init__(self, text_proj, decoder):
        super().__init__()
        self.text_proj, self.decoder = text_proj, decoder

    def forward(self, sample, timestep, image_embeds, text_embeds, text_hidden_states, attention_mask):
        ehs, cls = self.text_proj(image_embeds, text_embeds, text_hidden_states)
        image_tokens = torch.ones(attention_mask.shape[0], self.text_proj.k, dtype=torch.bool)
        return self.decoder(sample, timestep, ehs, cls, torch.cat([image_tokens, attention_mask], 1))


class SuperResW(nn.Module):
    """Format 2's super-res: x_t and the upsampled low-res image as two inputs."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, sample, timestep, low_res):
        return self.m(torch.cat([sample, low_res], 1), timestep)


def f32(*shape):
    return {"type": "float32", "shape": list(shape)}


def typ(t, *shape):
    return {"type": t, "shape": list(shape)}


def export(module, args, path, in_names, out_names):
    module.eval()
    dyn = {n: {0: "batch"} for n in in_names + out_names}
    torch.onnx.export(module, args, path, input_names=in_names, output_names=out_names, dynamic_axes=dyn,
                      opset_version=17, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))
    # dynamic-batch check: a trace at batch 2 must reproduce eager outputs at batch 3
    tr = torch.jit.trace(module, args, check_trace=False)
    args3 = tuple(torch.cat([a, a[:1]]) for a in args)
    with torch.no_grad():
        e = module(*args3)
        t = tr(*args3)
    e = e if isinstance(e, tuple) else (e,)
    t = t if isinstance(t, tuple) else (t,)
    err = max(float((a - b).abs().max()) for a, b in zip(e, t))
    assert err < 1e-4, f"{path}: traced vs eager mismatch {err}"
    log(f"exported {os.path.basename(path)} ({os.path.getsize(path) / 1e6:.2f} MB, trace err {err:.1e})")


def stage_inputs(m, B=2, seed=0):
    """Deterministic batch-2 inputs for every stage (used by export and fixtures)."""
    g = torch.Generator().manual_seed(seed)
    L, C, W, S, U = CFG["L"], CFG["C"], CFG["W"], CFG["S"], CFG["U"]
    ids, mask = m.tok(["a large red circle in the top left corner", "top-left: tiny crimson disc on white"][:B])
    ids32 = torch.from_numpy(ids).int()
    mask = torch.from_numpy(mask)
    with torch.no_grad():
        te, th = m.text_encoder(ids32)
    import world, random
    rng = random.Random(seed)
    imgs = np.stack([world.render(world.sample_scene(rng)) for _ in range(B)])
    pix = common.clip_preprocess(common.to_float(imgs))
    with torch.no_grad():
        z = m.image_encoder(pix)
    t = torch.tensor([999, 500][:B], dtype=torch.int64)
    rn = lambda *s: torch.randn(s, generator=g)
    keep = torch.ones(B, 1, S, S)
    keep[:, :, 4:12, 2:10] = 0
    x16 = common.resize(common.to_float(imgs), S)
    return {
        "text_encoder": ({"input_ids": ids32}, ["text_embeds", "last_hidden_state"]),
        "image_encoder": ({"pixel_values": pix}, ["image_embeds"]),
        "prior": ({"hidden_states": rn(B, C), "timestep": t, "proj_embedding": te, "encoder_hidden_states": th,
                   "attention_mask": mask}, ["predicted_image_embedding"]),
        "decoder": ({"sample": rn(B, 3, S, S), "timestep": t, "image_embeds": z, "text_embeds": te,
                     "text_hidden_states": th, "attention_mask": mask}, ["out_sample"]),
        "super_res_first": ({"sample": rn(B, 3, U, U), "timestep": t, "low_res": rn(B, 3, U, U)}, ["out_sample"]),
        "super_res_last": ({"sample": rn(B, 3, U, U), "timestep": torch.tensor([0, 0][:B]),
                            "low_res": rn(B, 3, U, U)}, ["out_sample"]),
        "inpaint_base": ({"x": rn(B, 3, S, S), "timesteps": t, "tokens": torch.from_numpy(ids),
                          "mask": mask, "inpaint_image": x16 * keep, "inpaint_mask": keep}, ["out"]),
    }


def stage_modules(m):
    return {"text_encoder": TextEncoderW(m.clip.text), "image_encoder": m.clip.image, "prior": m.prior,
            "decoder": DecoderW(m.text_proj, m.decoder), "super_res_first": SuperResW(m.sr_first),
            "super_res_last": SuperResW(m.sr_last), "inpaint_base": m.inpaint}


FILES = {"text_encoder": "text_encoder.onnx", "image_encoder": "image_encoder.onnx", "prior": "prior.onnx",
         "decoder": "decoder.onnx", "super_res_first": "super_res.onnx",
         "super_res_last": "super_res.onnx", "inpaint_base": "glide_base_inpaint.onnx"}


def manifest(m, guidance=None):
    L, C, W, S, U = CFG["L"], CFG["C"], CFG["W"], CFG["S"], CFG["U"]
    g = {**DEFAULTS, **(guidance or {})}
    sched = lambda pred, var, clip, resp: {"beta_schedule": "cosine", "num_train_timesteps": 1000,
                                           "prediction_type": pred, "variance_type": var,
                                           "clip_sample_range": clip, "respacing": resp}
    sr_io = {"inputs": {"sample": f32("batch", 3, U, U), "timestep": typ("int64", "batch"),
                        "low_res": f32("batch", 3, U, U)},
             "outputs": {"out_sample": f32("batch", 3, U, U)}}
    return {
        "format": 2, "name": "tiny", "version": "1", "license": "MIT",
        "description": "Tiny unCLIP + GLIDE-inpainting family trained from scratch on a synthetic world of coloured "
                       "shapes (training/ in the Unclip Studio repository). 16 px decoder, 16->64 super-res.",
        "image_size": U,
        "tokenizers": {"clip": {"kind": "clip-bpe", "merges": "tokenizer/bpe_vocab.txt.gz", "max_merges": None,
                                "context_length": L}},
        "clip": {"embed_dim": C, "image_size": CFG["clip_size"], "image_mean": common.CLIP_MEAN,
                 "image_std": common.CLIP_STD},
        "side_data": {"clip_mean": "side/clip_mean.f32", "clip_std": "side/clip_std.f32",
                      "null_image_embedding": "side/null_image_embedding.f32"},
        "stages": {
            "text_encoder": {"file": FILES["text_encoder"], "tokenizer": "clip",
                             "inputs": {"input_ids": typ("int32", "batch", L)},
                             "outputs": {"text_embeds": f32("batch", C), "last_hidden_state": f32("batch", L, W)}},
            "image_encoder": {"file": FILES["image_encoder"], "image_size": CFG["clip_size"],
                              "inputs": {"pixel_values": f32("batch", 3, CFG["clip_size"], CFG["clip_size"])},
                              "outputs": {"image_embeds": f32("batch", C)}},
            "prior": {"file": FILES["prior"],
                      "inputs": {"hidden_states": f32("batch", C), "timestep": typ("int64", "batch"),
                                 "proj_embedding": f32("batch", C), "encoder_hidden_states": f32("batch", L, W),
                                 "attention_mask": typ("bool", "batch", L)},
                      "outputs": {"predicted_image_embedding": f32("batch", C)},
                      "scheduler": sched("sample", "fixed_small_log", 5.0, g["prior_steps"]),
                      "guidance_scale": g["prior_guidance"]},
            "decoder": {"file": FILES["decoder"], "image_size": S,
                        "inputs": {"sample": f32("batch", 3, S, S), "timestep": typ("int64", "batch"),
                                   "image_embeds": f32("batch", C), "text_embeds": f32("batch", C),
                                   "text_hidden_states": f32("batch", L, W), "attention_mask": typ("bool", "batch", L)},
                        "outputs": {"out_sample": f32("batch", 6, S, S)},
                        "scheduler": sched("epsilon", "learned_range", 1.0, g["decoder_steps"]),
                        "guidance_scale": g["decoder_guidance"]},
            "super_res_first": {"file": FILES["super_res_first"], "image_size": U, **sr_io,
                                "scheduler": sched("epsilon", "fixed_small_log", 1.0, g["sr_steps"])},
            "super_res_last": {"file": FILES["super_res_last"], "image_size": U, **sr_io,
                               "scheduler": sched("epsilon", "fixed_small_log", 1.0, g["sr_steps"])},
            "inpaint_base": {"file": FILES["inpaint_base"], "tokenizer": "clip", "image_size": S,
                             "inputs": {"x": f32("batch", 3, S, S), "timesteps": typ("int64", "batch"),
                                        "tokens": typ("int64", "batch", L), "mask": typ("bool", "batch", L),
                                        "inpaint_image": f32("batch", 3, S, S),
                                        "inpaint_mask": f32("batch", 1, S, S)},
                             "outputs": {"out": f32("batch", 6, S, S)},
                             "scheduler": sched("epsilon", "learned_range", 1.0, g["inpaint_steps"]),
                             "guidance_scale": g["inpaint_guidance"]},
        },
    }


def write_f32(path, t):
    np.asarray(t.detach().cpu().numpy(), dtype="<f4").tofile(path)


def main():
    common.setup()
    m = Models()
    os.makedirs(os.path.join(PACK, "side"), exist_ok=True)
    ins = stage_inputs(m)
    mods = stage_modules(m)
    done = set()
    for st, (inp, outs) in ins.items():
        f = FILES[st]
        if f in done:
            continue
        done.add(f)
        export(mods[st], tuple(inp.values()), os.path.join(PACK, f), list(inp.keys()), outs)
        mo = onnx.load(os.path.join(PACK, f))
        got_in = [i.name for i in mo.graph.input]
        got_out = [o.name for o in mo.graph.output]
        assert got_in == list(inp.keys()) and got_out == outs, (st, got_in, got_out)
    write_f32(os.path.join(PACK, "side", "clip_mean.f32"), m.clip_mean)
    write_f32(os.path.join(PACK, "side", "clip_std.f32"), m.clip_std)
    write_f32(os.path.join(PACK, "side", "null_image_embedding.f32"), m.null)
    g = {}
    gp = os.path.join(common.WORK, "guidance.json")
    if os.path.exists(gp):
        g = json.load(open(gp))
    with open(os.path.join(PACK, "pack.json"), "w") as fh:
        json.dump(manifest(m, g), fh, indent=2)
        fh.write("\n")
    log("pack.json written")


if __name__ == "__main__":
    main()
