"""The PyTorch side of bench/compare.sh: the reference pipelines (reference_pipeline.py) on a pack's own weights,
rebuilt from its ONNX files (tools/onnx_weights.py), so no training run's checkpoints are needed.

  /usr/bin/python3 training/bench_reference.py [--pack DIR]     # default models/tiny; UNCLIP_BENCH_THREADS threads

It times nothing by itself: it prints "READY torch", then runs one request per line read from standard input
("text-to-image 4": pipeline and images, with the pack's default steps and guidance, as the Java engine's
EngineBenchmark --serve does) and answers each with one "RAN" line; bench/compare.py interleaves these runs with the
Java engine's and takes the medians. Also prints "BENCH" lines: the time to rebuild the models and which BLAS
library the process loaded (Debian's torch calls whatever libblas.so.3 the alternatives system points at).
"""
import argparse
import ctypes
import json
import os
import resource
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools"))
import common  # noqa: E402
import onnx_weights  # noqa: E402
import reference_pipeline as ref  # noqa: E402


def pack_steps(pack):
    st = json.load(open(os.path.join(pack, "pack.json")))["stages"]
    return dict(prior_steps=st["prior"]["scheduler"]["respacing"], prior_guidance=st["prior"]["guidance_scale"],
                decoder_steps=st["decoder"]["scheduler"]["respacing"],
                decoder_guidance=st["decoder"]["guidance_scale"],
                sr_steps=st["super_res_first"]["scheduler"]["respacing"],
                inpaint_steps=st["inpaint_base"]["scheduler"]["respacing"],
                inpaint_guidance=st["inpaint_base"]["guidance_scale"])


def blas():
    """The BLAS library this process has loaded, as the dynamic linker resolved it, and OpenBLAS's own description
    of itself when it is OpenBLAS. torch.__config__ says only BLAS_INFO=generic for Debian's build."""
    torch.nn.functional.linear(torch.ones(64, 64), torch.ones(64, 64))  # a float GEMM: BLAS is loaded by now
    libs = sorted({os.path.realpath(line.split()[-1]) for line in open("/proc/self/maps")
                   if "blas" in line.rsplit("/", 1)[-1].lower()})
    described = []
    for lib in libs:
        try:
            get_config = ctypes.CDLL(lib).openblas_get_config
            get_config.restype = ctypes.c_char_p
            described.append(f"{lib} ({get_config().decode()})")
        except (OSError, AttributeError):
            described.append(f"{lib} (not OpenBLAS)")
    info = [f for f in torch.__config__.show().replace(",", "\n").split("\n") if "BLAS_INFO" in f]
    return "; ".join(described) or "none loaded", (info[0].strip() if info else "BLAS_INFO unknown")


def pipelines(m, src, kw):
    def inpaint(batch):
        keep = torch.zeros(batch, 1, 16, 16)
        keep[..., :8] = 1  # the left half, as EngineBenchmark's mask
        return ref.inpaint(m, np.repeat(src, batch, axis=0), keep, "a blue square", ns=ref.NoiseSource(0), **kw)
    return {
        "text-to-image": lambda batch: ref.text_to_image(m, "a large red circle in the top left corner", B=batch,
                                                         ns=ref.NoiseSource(0), **kw),
        "variations": lambda batch: ref.variation(m, src, ns=ref.NoiseSource(0), n=batch, **kw),
        "inpaint": inpaint,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pack", default=common.PACK)
    pack = ap.parse_args().pack
    torch.set_num_threads(int(os.environ.get("UNCLIP_BENCH_THREADS", "2")))
    torch.manual_seed(0)
    t0 = time.perf_counter()
    m = onnx_weights.PackModels(pack)
    print("BENCH open-models pack=%s rebuilt from its ONNX files in %.0f ms" % (
        os.path.basename(os.path.abspath(pack)), (time.perf_counter() - t0) * 1000))
    lib, info = blas()
    print(f"BENCH blas {lib}; torch {torch.__version__} {info}")
    kw = pack_steps(pack)
    with torch.no_grad():
        img, _, _ = ref.text_to_image(m, "a red circle", B=1, ns=ref.NoiseSource(1), **kw)
        runs = pipelines(m, ref.to_u8(img), kw)
        print("READY torch", flush=True)
        for line in sys.stdin:
            if not line.strip():
                break
            what, batch = line.split()
            if what not in runs:
                raise SystemExit(f"unknown pipeline: {what}")
            start = time.perf_counter()
            runs[what](int(batch))
            print("RAN %s images=%s ms=%.1f" % (what, batch, (time.perf_counter() - start) * 1000), flush=True)
    print("BENCH peak-rss-after VmHWM: %d kB" % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)


if __name__ == "__main__":
    main()
