"""What every export tool here shares: the tensor format of check files and fixtures, random weights
that make every path of a zero-initialised original matter, and ONNX export with large weights in one
external data file. Debian packages only: python3-torch, python3-numpy, python3-onnx."""
import base64
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch as th

OPSET = 17  # ONNX Runtime 1.23 (the engine's) runs opsets up to 23; torch 1.13 exports up to 17
# protobuf refuses messages over 2 GB; leave room for the graph itself
EXTERNAL_DATA_BYTES = 1.8e9


class UsageError(Exception):
    """A problem the user can fix (a file, an option): printed without a traceback."""


def tensor_json(t):
    a = t.detach().cpu().numpy()
    dtype = {np.dtype("float32"): "float32", np.dtype("int64"): "int64", np.dtype("int32"): "int32",
             np.dtype("bool"): "bool"}[a.dtype]
    return {"dtype": dtype, "shape": list(a.shape),
            "b64": base64.b64encode(np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()).decode()}


def tensor_from_json(t):
    dtype = {"float32": "<f4", "int64": "<i8", "int32": "<i4", "bool": "?"}[t["dtype"]]
    a = np.frombuffer(base64.b64decode(t["b64"]), dtype=dtype)
    return th.from_numpy(a.reshape(t["shape"]).copy())


def randomise(model, seed, also=(), scale=0.1):
    """Random weights that make every path matter: the originals zero-initialise their output
    convolutions (the model would predict 0) and leave some parameters uninitialised (th.empty);
    `also` names parameters to draw whatever they hold. Drawn as N(0, scale²)."""
    g = th.Generator().manual_seed(seed)
    with th.no_grad():
        for name, p in model.named_parameters():
            if "embedding" in name or not p.any() or name.split(".")[-1] in also:
                p.copy_(th.randn(p.shape, generator=g) * scale)


class Float32Where:
    """While exporting: th.where with a Python float operand gets it as a float32 tensor. PyTorch
    computes such a where in float32 (the default dtype), but torch 1.13's exporter types the
    constant as double, and ONNX Runtime then refuses the graph (Karlo's decoder builds its
    attention mask with th.where(mask, 0.0, float("-inf"))). The computation is unchanged."""

    def __enter__(self):
        self.saved = th.where

        def where(condition, *operands):
            if not operands:
                return self.saved(condition)
            return self.saved(condition, *(th.tensor(v, dtype=th.float32) if isinstance(v, float) else v
                                           for v in operands))

        th.where = where
        return self

    def __exit__(self, *exc):
        th.where = self.saved


def export_onnx(module, inputs, output_names, path):
    """Exports `module` (inputs: an ordered dict name -> example tensor) with a dynamic batch axis.
    Weights above protobuf's limit go into ONE external data file beside the graph (PATH.data);
    torch itself would write one file per tensor."""
    names = list(inputs)
    dynamic = {n: {0: "batch"} for n in names + list(output_names)}
    large = sum(p.numel() * p.element_size() for p in module.parameters()) > EXTERNAL_DATA_BYTES
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        target = Path(tmp) / path.name if large else path
        with th.no_grad(), Float32Where():
            th.onnx.export(module, tuple(inputs.values()), str(target), input_names=names,
                           output_names=list(output_names), dynamic_axes=dynamic, opset_version=OPSET,
                           do_constant_folding=True)
        if large:
            import onnx
            model = onnx.load(str(target))  # reads torch's per-tensor files from tmp
            data = path.with_name(path.name + ".data")
            data.unlink(missing_ok=True)
            onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                            location=data.name, size_threshold=1024)


def write_check(module, inputs, output_names, path):
    """check/<stage>.json: inputs and what the PyTorch module returned for them (docs/model-packs.md)."""
    with th.no_grad():
        out = module(**inputs)
    out = out if isinstance(out, tuple) else (out,)
    path.write_text(json.dumps({"inputs": {n: tensor_json(v) for n, v in inputs.items()},
                                "outputs": {n: tensor_json(v) for n, v in zip(output_names, out)}}))


def check_rebuilt(module, check_file, tolerance=1e-6):
    """A module rebuilt for fixtures must be the exported one: its outputs on the check inputs."""
    check = json.loads(Path(check_file).read_text())
    inputs = {n: tensor_from_json(t) for n, t in check["inputs"].items()}
    with th.no_grad():
        out = module(**inputs)
    out = out if isinstance(out, tuple) else (out,)
    for (name, want), got in zip(check["outputs"].items(), out):
        err = float((got - tensor_from_json(want)).abs().max())
        if err > tolerance:
            raise SystemExit(f"{check_file}: rebuilt module differs from the exported one by {err} "
                             f"({name}); rebuild with the export's --seed")


def copy_file(source, target):
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def fail(e):
    print(f"error: {e}", file=sys.stderr)
    return 2
