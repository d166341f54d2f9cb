"""What every export tool here shares: the tensor format of check files and fixtures, random weights
that make every path of a zero-initialised original matter, and ONNX export with large weights in one
external data file. Debian packages only: python3-torch, python3-numpy, python3-onnx."""
import argparse
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
    """check/<stage>.json: inputs and what the PyTorch module returned for them (docs/model-packs.md);
    returns the outputs."""
    with th.no_grad():
        out = module(**inputs)
    out = out if isinstance(out, tuple) else (out,)
    path.write_text(json.dumps({"inputs": {n: tensor_json(v) for n, v in inputs.items()},
                                "outputs": {n: tensor_json(v) for n, v in zip(output_names, out)}}))
    return out


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


def f16(t):
    """A tensor on the float16 grid, so a fixture stores it as float16 without loss."""
    return t.half().float()


def f16_json(t):
    a = t.detach().numpy().astype("<f2")
    return {"dtype": "float16", "shape": list(a.shape), "b64": base64.b64encode(a.tobytes()).decode()}


def uint8_json(a):
    return {"dtype": "uint8", "shape": list(a.shape), "b64": base64.b64encode(a.astype(np.uint8).tobytes()).decode()}


def export_arguments(description, default_reference, reference_help, checkpoints_help):
    """The options every export tool takes; the tool adds its own before parsing."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--reference-code", type=Path, default=None,
                   help=f"{reference_help} (default {default_reference} if present, else installed packages)")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoints", type=Path, help=checkpoints_help)
    src.add_argument("--random-init", action="store_true", help="random weights (for tests)")
    p.add_argument("--small", action="store_true", help="with --random-init: small models (a few MB)")
    p.add_argument("--out", type=Path, required=True, help="pack folder to write")
    return p


def run_export(parser, argv, default_reference, export):
    """Parses, finds the reference code and runs export(reference, args); a UsageError is printed
    and exits 2."""
    a = parser.parse_args(argv)
    try:
        if a.small and not a.random_init:
            raise UsageError("--small needs --random-init (checkpoints have the original sizes)")
        reference = a.reference_code
        if reference is None and default_reference.is_dir():
            reference = default_reference
        export(reference, a)
    except UsageError as e:
        return fail(e)
    return 0
