#!/usr/bin/python3
"""Upgrade a format-1 model pack to format 2 (docs/model-packs.md), in place, without touching a weight.

    python3 tools/export/format2.py PACK_DIR

Format 1 followed diffusers' split of the unCLIP decoder: a `text_proj` stage, run once per request,
built the decoder's conditioning, and the decoder took it. Karlo's original decoder (and its
checkpoint) does that projection inside its own forward, at every step, so format 2 takes the
original's inputs instead: `decoder` gets `image_embeds`, `text_embeds`, `text_hidden_states` and
the token `attention_mask` [N, L], and there is no `text_proj`. The super-resolution stages get x_t
and the upsampled low-resolution image as two inputs (`sample`, `low_res`), as Karlo's
SuperResUNetModel takes them, instead of one 6-channel `sample`.

This tool rewrites the graphs of a format-1 pack to that contract by composition: the new decoder is
the old `text_proj` graph feeding the old decoder graph (plus the four always-true image-token
positions prepended to the mask, which the old engine added), the new super-res graphs a Concat in
front of the old ones. Every weight and every operator of the old graphs is kept, so the pack computes
exactly what it computed before. The tiny pack (models/tiny) was upgraded with this tool.

Debian packages only: python3-onnx.
"""
import argparse
import json
import sys
from pathlib import Path

import onnx
from onnx import TensorProto, compose, helper


class UsageError(Exception):
    pass


def tensor_value(name, elem_type, shape):
    dims = ["batch" if d == "batch" else d for d in shape]
    return helper.make_tensor_value_info(name, elem_type, dims)


def rename_input(graph, old, new):
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name == old:
                node.input[i] = new


def decoder_graph(pack_dir, manifest):
    """text_proj ∘ decoder, with the raw conditioning as inputs."""
    stages = manifest["stages"]
    tp = onnx.load(str(pack_dir / stages["text_proj"]["file"]))
    dec = onnx.load(str(pack_dir / stages["decoder"]["file"]))
    token_mask = stages["text_encoder"]["inputs"]["input_ids"]["shape"][1]
    padded = stages["decoder"]["inputs"]["attention_mask"]["shape"][1]
    image_tokens = padded - token_mask

    # the conditioning half: text_proj's graph plus the mask padding, as one model
    g = tp.graph
    g.input.append(tensor_value("attention_mask", TensorProto.BOOL, ["batch", token_mask]))
    g.initializer.append(helper.make_tensor("format2_mask_pads", TensorProto.INT64, [4],
                                            [0, image_tokens, 0, 0]))
    g.initializer.append(helper.make_tensor("format2_one", TensorProto.FLOAT, [], [1.0]))
    g.node.extend([
        helper.make_node("Cast", ["attention_mask"], ["format2_mask_f"], to=TensorProto.FLOAT),
        helper.make_node("Pad", ["format2_mask_f", "format2_mask_pads", "format2_one"],
                         ["format2_mask_padded_f"], mode="constant"),
        helper.make_node("Cast", ["format2_mask_padded_f"], ["format2_mask_padded"], to=TensorProto.BOOL),
    ])
    g.output.append(tensor_value("format2_mask_padded", TensorProto.BOOL, ["batch", padded]))
    if tp.opset_import[0].version != dec.opset_import[0].version:
        raise UsageError("text_proj and decoder use different opsets; re-export them together")
    tp.ir_version = dec.ir_version = min(tp.ir_version, dec.ir_version)

    merged = compose.merge_models(
        tp, dec,
        io_map=[("encoder_hidden_states", "encoder_hidden_states"), ("class_labels", "class_labels"),
                ("format2_mask_padded", "attention_mask")],
        prefix1="text_proj/", prefix2="decoder/")
    names = {"text_proj/image_embeddings": "image_embeds", "text_proj/prompt_embeds": "text_embeds",
             "text_proj/text_encoder_hidden_states": "text_hidden_states",
             "text_proj/attention_mask": "attention_mask", "decoder/sample": "sample",
             "decoder/timestep": "timestep", "decoder/out_sample": "out_sample"}
    for value in list(merged.graph.input) + list(merged.graph.output):
        new = names[value.name]
        rename_input(merged.graph, value.name, new)
        for node in merged.graph.node:
            for i, name in enumerate(node.output):
                if name == value.name:
                    node.output[i] = new
        value.name = new
    order = ["sample", "timestep", "image_embeds", "text_embeds", "text_hidden_states", "attention_mask"]
    inputs = sorted(merged.graph.input, key=lambda v: order.index(v.name))
    del merged.graph.input[:]
    merged.graph.input.extend(inputs)
    onnx.checker.check_model(merged)
    return merged


def super_res_graph(path):
    """Concat(sample, low_res) in front of the old 6-channel graph."""
    m = onnx.load(str(path))
    g = m.graph
    old = next(v for v in g.input if v.name == "sample")
    side = old.type.tensor_type.shape.dim[2].dim_value
    rename_input(g, "sample", "format2_sample_and_low_res")
    g.input.remove(old)
    g.input.insert(0, tensor_value("sample", TensorProto.FLOAT, ["batch", 3, side, side]))
    g.input.append(tensor_value("low_res", TensorProto.FLOAT, ["batch", 3, side, side]))
    g.node.insert(0, helper.make_node("Concat", ["sample", "low_res"], ["format2_sample_and_low_res"], axis=1))
    onnx.checker.check_model(m)
    return m


def upgrade(pack_dir):
    manifest_path = pack_dir / "pack.json"
    if not manifest_path.is_file():
        raise UsageError(f"{manifest_path} does not exist: not a model pack")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") == 2:
        raise UsageError(f"{pack_dir} is already format 2")
    if manifest.get("format") != 1:
        raise UsageError(f"{pack_dir}: unknown format {manifest.get('format')}")
    stages = manifest["stages"]
    if "decoder" in stages:
        if "text_proj" not in stages:
            raise UsageError("a format-1 pack with a decoder must have text_proj")
        c = stages["text_proj"]["inputs"]["image_embeddings"]["shape"][1]
        hidden = stages["text_proj"]["inputs"]["text_encoder_hidden_states"]["shape"][1:]
        merged = decoder_graph(pack_dir, manifest)
        onnx.save(merged, str(pack_dir / stages["decoder"]["file"]))
        (pack_dir / stages["text_proj"]["file"]).unlink()
        dec = stages["decoder"]
        dec["inputs"] = {
            "sample": dec["inputs"]["sample"],
            "timestep": dec["inputs"]["timestep"],
            "image_embeds": {"type": "float32", "shape": ["batch", c]},
            "text_embeds": {"type": "float32", "shape": ["batch", c]},
            "text_hidden_states": {"type": "float32", "shape": ["batch"] + hidden},
            "attention_mask": {"type": "bool", "shape": ["batch", hidden[0]]},
        }
        del stages["text_proj"]
    done = set()
    for name in ("super_res_first", "super_res_last"):
        if name not in stages:
            continue
        st = stages[name]
        side = st["inputs"]["sample"]["shape"][2]
        st["inputs"] = {"sample": {"type": "float32", "shape": ["batch", 3, side, side]},
                        "timestep": st["inputs"]["timestep"],
                        "low_res": {"type": "float32", "shape": ["batch", 3, side, side]}}
        if st["file"] not in done:  # first and last may share one file
            onnx.save(super_res_graph(pack_dir / st["file"]), str(pack_dir / st["file"]))
            done.add(st["file"])
    manifest["format"] = 2
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("pack", type=Path, help="format-1 pack folder (rewritten in place)")
    a = p.parse_args(argv)
    try:
        upgrade(a.pack)
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"{a.pack} is now format 2", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
