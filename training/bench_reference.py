"""Times the PyTorch reference pipelines (reference_pipeline.py) on the tiny pack's checkpoints, the same way
src/test/java/dev/unclipstudio/bench/EngineBenchmark.java times the Java engine: pack default steps, batch 1, 4 and 8,
one warm-up per case and the mean of 3 runs (the Java side, which also warms its JIT up on every pipeline first, takes
the mean of 5). Prints BENCH lines; bench/compare.sh runs both and prints the ratios.

Needs the checkpoints of a training run (training/work/ckpt, written by build_pack.sh)."""
import json
import os
import resource
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import reference_pipeline as ref  # noqa: E402

REPEATS = 3


def pack_steps():
    pack = json.load(open(os.path.join(os.path.dirname(__file__), "..", "models", "tiny", "pack.json")))
    st = pack["stages"]
    return dict(prior_steps=st["prior"]["scheduler"]["respacing"], prior_guidance=st["prior"]["guidance_scale"],
                decoder_steps=st["decoder"]["scheduler"]["respacing"],
                decoder_guidance=st["decoder"]["guidance_scale"],
                sr_steps=st["super_res_first"]["scheduler"]["respacing"],
                inpaint_steps=st["inpaint_base"]["scheduler"]["respacing"],
                inpaint_guidance=st["inpaint_base"]["guidance_scale"])


def timed(what, batch, run):
    run()  # warm-up
    start = time.perf_counter()
    for _ in range(REPEATS):
        run()
    ms = (time.perf_counter() - start) * 1000 / REPEATS
    print("BENCH %-14s images=%d total=%.0f ms per-image=%.0f ms images/s=%.2f" % (what, batch, ms, ms / batch,
                                                                                   batch * 1000 / ms), flush=True)


def main():
    torch.set_num_threads(int(os.environ.get("UNCLIP_BENCH_THREADS", "2")))
    common.setup()
    kw = pack_steps()
    t0 = time.perf_counter()
    m = ref.Models()
    print("BENCH open-models %.0f ms" % ((time.perf_counter() - t0) * 1000))
    with torch.no_grad():
        img, _, _ = ref.text_to_image(m, "a red circle", B=1, ns=ref.NoiseSource(1), **kw)
        src = ref.to_u8(img)
        for batch in (1, 4, 8):
            timed("text-to-image", batch, lambda: ref.text_to_image(
                m, "a large red circle in the top left corner", B=batch, ns=ref.NoiseSource(0), **kw))
            timed("variations", batch, lambda: ref.variation(m, src, ns=ref.NoiseSource(0), n=batch, **kw))
            keep = torch.zeros(batch, 1, 16, 16)
            keep[..., :8] = 1
            srcs = np.repeat(src, batch, axis=0)
            timed("inpaint", batch, lambda: ref.inpaint(m, srcs, keep, "a blue square", ns=ref.NoiseSource(0), **kw))
    print("BENCH peak-rss-after VmHWM: %d kB" % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


if __name__ == "__main__":
    main()
