"""Load a pack's ONNX weights back into the training code's PyTorch modules (for experiments when the checkpoints in
work/ckpt are not at hand, e.g. running the super-res alone on a clean upsampled render).

  import onnx_weights; sr = onnx_weights.super_res()      # M.SuperRes with models/tiny/super_res.onnx's weights

How: export the same module (random weights) with export.py's wrapper, so that both ONNX files name their initializers
alike; match every initializer of that export to the torch parameter it came from by value (constant folding turns
some into transposed or reshaped copies, e.g. GroupNorm's affine as 'onnx::Mul_*'), then copy the pack's values.
"""
import io
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common  # noqa: E402
import models as M  # noqa: E402
from common import CFG  # noqa: E402


def _inits(model):
    return {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}


def load_into(module, wrapper, args, names, onnx_path):
    """module: the torch module whose parameters to fill; wrapper(module) -> the exported nn.Module."""
    g = torch.Generator().manual_seed(0)
    params = dict(module.named_parameters())
    with torch.no_grad():
        for p in params.values():  # distinct values, so that every parameter is recognisable in the export
            p.copy_(torch.randn(p.shape, generator=g))
    buf = io.BytesIO()
    torch.onnx.export(wrapper(module).eval(), args, buf, input_names=names, opset_version=17, do_constant_folding=True)
    mine = _inits(onnx.load_from_string(buf.getvalue()))
    theirs = _inits(onnx.load(onnx_path))
    # anonymous initializers ('onnx::Mul_818') are numbered per export: pair them by their order in the graph
    anon = lambda d: [k for k in d if k.startswith("onnx::")]
    alias = dict(zip(anon(mine), anon(theirs)))
    assert len(anon(mine)) == len(anon(theirs)), "the two exports differ in structure"
    by_sum = {}
    for k, p in params.items():
        by_sum.setdefault(round(float(p.detach().double().abs().sum()), 3), []).append(k)
    done = set()
    with torch.no_grad():
        for name, val in mine.items():
            if val.dtype != np.float32 or val.size < 2:
                continue
            for k in by_sum.get(round(float(np.abs(val.astype(np.float64)).sum()), 3), []):
                p = params[k].detach().numpy()
                src = theirs.get(alias.get(name, name))
                if src is None:  # the pack's export may name parameters without the wrapper's attribute
                    src = theirs[name.split(".", 1)[1]]
                if val.size != p.size:
                    continue
                if np.array_equal(val.reshape(p.shape), p):
                    params[k].copy_(torch.from_numpy(src.reshape(p.shape).copy()))
                elif val.ndim == 2 and np.array_equal(val.T, p):
                    params[k].copy_(torch.from_numpy(src.T.copy()))
                else:
                    continue
                done.add(k)
    missing = sorted(set(params) - done)
    if missing:
        raise RuntimeError(f"{onnx_path}: no initializer found for {missing}")
    return module.eval().requires_grad_(False)


def super_res(pack=common.PACK):
    import export
    sr = M.SuperRes(CFG["sr_ch"])
    U = CFG["U"]
    args = (torch.randn(2, 3, U, U), torch.tensor([999, 500]), torch.randn(2, 3, U, U))
    return load_into(sr, export.SuperResW, args, ["sample", "timestep", "low_res"],
                     os.path.join(pack, "super_res.onnx"))


def check(module, wrapper, args, names, onnx_path):
    """Re-export the loaded module: every initializer must equal the pack's (same order, same values)."""
    buf = io.BytesIO()
    torch.onnx.export(wrapper(module).eval(), args, buf, input_names=names, opset_version=17, do_constant_folding=True)
    a = list(_inits(onnx.load_from_string(buf.getvalue())).values())
    b = list(_inits(onnx.load(onnx_path)).values())
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


if __name__ == "__main__":
    import export
    sr = super_res()
    U = CFG["U"]
    ok = check(sr, export.SuperResW, (torch.randn(2, 3, U, U), torch.tensor([999, 500]), torch.randn(2, 3, U, U)),
               ["sample", "timestep", "low_res"], os.path.join(common.PACK, "super_res.onnx"))
    print("super_res:", sum(p.numel() for p in sr.parameters()), "parameters; re-export equals the pack:", ok)
