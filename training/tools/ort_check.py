"""Dump stage inputs/outputs (batch 2 and batch 1) and run tools/OrtCheck.java against models/tiny with ONNX Runtime."""
import glob
import os
import subprocess
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common
from export import stage_inputs, stage_modules, FILES
from reference_pipeline import Models

NP = {torch.float32: "<f4", torch.int32: "<i4", torch.int64: "<i8", torch.bool: "|b1"}
NAME = {torch.float32: "float32", torch.int32: "int32", torch.int64: "int64", torch.bool: "bool"}


def main():
    common.setup()
    out = os.path.join(common.WORK, "ortcheck")
    os.makedirs(out, exist_ok=True)
    m = Models()
    mods = stage_modules(m)
    lines = []
    for st, (inp, outs) in stage_inputs(m).items():
        for B in (2, 1):
            args = {k: v[:B] for k, v in inp.items()}
            with torch.no_grad():
                o = mods[st](*args.values())
            o = o if isinstance(o, tuple) else (o,)
            ins = []
            for k, v in args.items():
                fn = f"{st}_{B}_in_{k}.bin"
                np.ascontiguousarray(v.numpy().astype(NP[v.dtype])).tofile(os.path.join(out, fn))
                ins.append(f"{k}:{NAME[v.dtype]}:{','.join(map(str, v.shape))}:{fn}")
            os_ = []
            for k, v in zip(outs, o):
                fn = f"{st}_{B}_out_{k}.bin"
                np.ascontiguousarray(v.numpy().astype("<f4")).tofile(os.path.join(out, fn))
                os_.append(f"{k}:{fn}")
            lines.append(f"{os.path.join(common.PACK, FILES[st])}|{';'.join(ins)}|{';'.join(os_)}")
    open(os.path.join(out, "cases.txt"), "w").write("\n".join(lines) + "\n")
    jar = sorted(glob.glob(os.path.expanduser("~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/*/onnxruntime-*.jar")))[-1]
    r = subprocess.run(["java", "-cp", jar, os.path.join(os.path.dirname(os.path.abspath(__file__)), "OrtCheck.java"), out])
    sys.exit(r.returncode)


if __name__ == "__main__":
    main()
