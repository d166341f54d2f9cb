#!/usr/bin/python3
"""Converts a model pack's graphs to float16 weights, into a new pack folder (docs/model-packs.md "Float16 packs").

    python3 tools/export/fp16.py PACK_DIR --out FP16_PACK_DIR
    java -jar target/quarkus-app/quarkus-run.jar check-pack FP16_PACK_DIR    # its error against float32

Only the operators that carry the compute and the weights — Conv, ConvTranspose, MatMul, Gemm — run in float16: their
weights are stored as float16 and their activations are cast to float16 in front of them and back to float32 behind
them. Every other operator keeps float32, so normalisation (LayerNormalization, the InstanceNormalization of
GroupNorm, their ReduceMean/Pow/Sqrt forms), softmax, exp/log/sin of the timestep embeddings and Resize with its
scales stay in float32, as the originals keep them (Karlo's and GLIDE's fp16 modes run their norms and the attention
softmax in float32), and no Resize constant is ever converted (ONNX Runtime's converter turns them into float16
tensors that the Resize kernel refuses). Graph inputs and outputs stay float32: the engine and pack.json are unchanged
except for `"precision": "float16"`, which tells check-pack to use the float16 tolerance.

The check files (check/<stage>.json, written by the exporters with PyTorch's float32 outputs) are copied as they are,
so check-pack prints each float16 graph's error against float32 PyTorch.

Debian packages only: python3-onnx, python3-numpy. An onnxconverter-common is not packaged for Debian, and its
block-list approach converts every operator it does not know about (Resize's scales included) to float16.
"""
import argparse
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# Operators run in float16: together they hold nearly every weight and nearly every multiply-add of a UNet or a
# transformer; everything else is cheap elementwise or reduction work that is safer in float32.
HALF_OPS = {"Conv", "ConvTranspose", "MatMul", "Gemm"}
# A Gather from a weight table (token and position embeddings) only copies rows: the table is stored as float16 and
# the rows it returns are cast back to float32, so no arithmetic happens in float16.
HALF_STORAGE_OPS = {"Gather"}
FP16_MAX = float(np.finfo(np.float16).max)
EXTERNAL_DATA_BYTES = 1 << 30  # above this, one external data file beside the graph (as packtools.export_onnx)


class UsageError(Exception):
    pass


def convert(model):
    """Returns `model` with HALF_OPS in float16 (see the module doc); counts in model.metadata_props."""
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)

    nodes, casts_in, halved = [], {}, 0
    for node in graph.node:
        if node.op_type in HALF_STORAGE_OPS:
            table = inits.get(node.input[0])
            if table is not None and table.data_type == TensorProto.FLOAT and _fits_half(table) \
                    and all(c.op_type in HALF_STORAGE_OPS and c.input[0] == table.name for c in consumers[table.name]):
                if table.name not in casts_in:
                    table.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(table).astype(np.float16), table.name))
                    casts_in[table.name] = table.name
                    halved += 1
                _cast_outputs_back(node, nodes)
                continue
        if node.op_type not in HALF_OPS:
            nodes.append(node)
            continue
        for k, name in enumerate(node.input):
            if not name:
                continue
            init = inits.get(name)
            if init is not None and init.data_type == TensorProto.FLOAT and _fits_half(init) \
                    and all(c.op_type in HALF_OPS for c in consumers[name]):
                if name not in casts_in:  # every consumer is a float16 operator: store the weight as float16
                    half = numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float16), name)
                    init.CopyFrom(half)
                    casts_in[name] = name
                    halved += 1
                continue
            if name not in casts_in:  # one Cast per value, shared by every float16 consumer
                casts_in[name] = name + "__f16"
                nodes.append(helper.make_node("Cast", [name], [casts_in[name]], to=TensorProto.FLOAT16,
                                              name=name + "__to_f16"))
            node.input[k] = casts_in[name]
        _cast_outputs_back(node, nodes)
    del graph.node[:]
    graph.node.extend(nodes)
    # intermediate shape annotations would now disagree with the float16 values; ONNX Runtime infers them again
    del graph.value_info[:]
    helper.set_model_props(model, {**{p.key: p.value for p in model.metadata_props},
                                   "unclip.precision": "float16", "unclip.float16_weights": str(halved)})
    return model


def _cast_outputs_back(node, nodes):
    """Appends `node`, its outputs renamed, and a Cast to float32 under each output's old name."""
    for k, name in enumerate(node.output):
        node.output[k] = name + "__f16out"
    nodes.append(node)
    for name in node.output:
        nodes.append(helper.make_node("Cast", [name], [name[:-len("__f16out")]], to=TensorProto.FLOAT,
                                      name=name + "__to_f32"))


def _fits_half(init):
    a = numpy_helper.to_array(init)
    return a.size == 0 or float(np.abs(a).max()) <= FP16_MAX


def check_precision_rule(model):
    """Every operator outside HALF_OPS reads and writes float32 only (the contract in the module doc): the only
    float16 values are the Casts' outputs, the HALF_OPS' outputs and the weights stored as float16. Checked on names,
    not by shape inference, which cannot read a graph over 2 GB."""
    half = {i.name for i in model.graph.initializer if i.data_type == TensorProto.FLOAT16}
    for node in model.graph.node:
        if node.op_type in HALF_OPS or node.op_type in HALF_STORAGE_OPS:
            continue
        values = list(node.input) if node.op_type == "Cast" else list(node.input) + list(node.output)
        for name in values:
            if name in half or (node.op_type != "Cast" and name.endswith(("__f16", "__f16out"))):
                raise AssertionError(f"{node.op_type} {node.name} touches float16 value {name}")


def convert_file(source, target):
    model = onnx.load(str(source))  # external data is read from beside the source
    convert(model)
    check_precision_rule(model)
    target.parent.mkdir(parents=True, exist_ok=True)
    if sum(len(i.raw_data) for i in model.graph.initializer) > EXTERNAL_DATA_BYTES:
        data = target.with_name(target.name + ".data")
        data.unlink(missing_ok=True)
        onnx.save_model(model, str(target), save_as_external_data=True, all_tensors_to_one_file=True,
                        location=data.name, size_threshold=1024)
    else:
        onnx.save_model(model, str(target))
    return int(dict((p.key, p.value) for p in model.metadata_props)["unclip.float16_weights"])


def convert_pack(source, out, log=print):
    source, out = Path(source), Path(out)
    manifest = source / "pack.json"
    if not manifest.is_file():
        raise UsageError(f"not a model pack: {manifest} does not exist")
    if out.resolve() == source.resolve():
        raise UsageError("--out must be another folder than the pack (the float32 pack is the reference)")
    pack = json.loads(manifest.read_text())
    if pack.get("precision", "float32") != "float32":
        raise UsageError(f"{source} is already a {pack['precision']} pack")
    if out.exists() and any(out.iterdir()):
        raise UsageError(f"{out} exists and is not empty")
    out.mkdir(parents=True, exist_ok=True)
    graphs = {stage["file"] for stage in pack["stages"].values()}
    for entry in source.iterdir():  # tokenizers, side data, check files, model card: as they are
        if entry.name in graphs or entry.name.endswith(".onnx.data") or entry.name == "pack.json":
            continue
        (shutil.copytree if entry.is_dir() else shutil.copyfile)(entry, out / entry.name)
    for file in sorted(graphs):
        before = _size(source / file)
        halved = convert_file(source / file, out / file)
        log(f"{file}: {halved} weights in float16, {before / 1e6:.1f} MB -> {_size(out / file) / 1e6:.1f} MB")
    pack["precision"] = "float16"
    (out / "pack.json").write_text(json.dumps(pack, indent=2) + "\n")
    log(f"wrote {out}; check it: java -jar target/quarkus-app/quarkus-run.jar check-pack {out}")


def _size(path):
    data = path.with_name(path.name + ".data")
    return path.stat().st_size + (data.stat().st_size if data.exists() else 0)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("pack", type=Path, help="a float32 pack folder")
    p.add_argument("--out", type=Path, required=True, help="the float16 pack folder to write (new or empty)")
    a = p.parse_args(argv)
    try:
        convert_pack(a.pack, a.out)
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
