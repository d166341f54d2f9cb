"""The driver of bench/compare.sh: runs the Java engine (EngineBenchmark --serve, through bench/bench.sh) and the
PyTorch reference (training/bench_reference.py) as two long-lived processes and times them turn about, so that both
see the same machine at the same moments, get the same warm-up and are summarised the same way.

Per case (pipeline x images): BENCH_WARMUP untimed runs on each side, then BENCH_ROUNDS rounds of one run per side,
the side that goes first alternating from round to round (java, torch, torch, java, ...); each side's figure is the
median of its runs. Every run's time is printed as it comes (stderr), the summary as BENCH lines in bench.sh's format
and RATIO lines at the end. Only the standard library: this runs under any python3.
"""
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PIPELINES = ("text-to-image", "variations", "inpaint")


def setting(name, default):
    return os.environ.get(name) or default


class Side:
    """One engine answering "pipeline images" requests with "RAN ... ms=..." lines."""

    def __init__(self, name, cmd, env, log):
        self.name, self.log = name, log
        self.info = []  # its BENCH lines (opening time, BLAS, memory)
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=open(log, "w"), text=True, bufsize=1)

    def _line(self, expect):
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit(f"compare: the {self.name} side ended before answering {expect} (exit status "
                                 f"{self.proc.wait()}); its log: {self.log}\n" + tail(self.log))
            if line.startswith("BENCH "):
                self.info.append(line.rstrip())
            elif line.startswith(expect):
                return line.split()

    def ready(self):
        self._line("READY")

    def run(self, what, batch):
        self.proc.stdin.write(f"{what} {batch}\n")
        self.proc.stdin.flush()
        fields = self._line("RAN")
        return {k: v for k, v in (f.split("=", 1) for f in fields[2:] if "=" in f)}

    def close(self):
        self.proc.stdin.close()
        for line in self.proc.stdout:
            if line.startswith("BENCH "):
                self.info.append(line.rstrip())
        if self.proc.wait() != 0:
            raise SystemExit(f"compare: the {self.name} side failed at the end; its log: {self.log}\n" + tail(self.log))


def tail(path, n=30):
    return "".join(open(path, errors="replace").readlines()[-n:])


def ms(run):
    return float(run["ms"])


def summary(what, batch, runs):
    """A BENCH line as bench.sh prints it, from the medians of the runs."""
    total = statistics.median(ms(r) for r in runs)
    line = "BENCH %-14s images=%d total=%.0f ms per-image=%.0f ms images/s=%.2f" % (
        what, batch, total, total / batch, batch * 1000 / total)
    if "outside-ort" in runs[0]:
        share = sorted(float(r["outside-ort"].rstrip("%")) for r in runs)
        line += " outside-ort=%.1f%% (%.1f-%.1f)" % (statistics.median(share), share[0], share[-1])
        for stage in [k for k, v in runs[0].items() if v.endswith("ms")]:  # time per stage: "decoder=124.0ms"
            line += " %s=%.0fms" % (stage, statistics.median(float(r[stage][:-2]) for r in runs))
    return line


def main():
    threads = setting("UNCLIP_BENCH_THREADS", "2")
    rounds, warmup = int(setting("BENCH_ROUNDS", "5")), int(setting("BENCH_WARMUP", "1"))
    batches = [int(b) for b in setting("BENCH_BATCHES", "1 4 8").split()]
    pack = os.path.abspath(setting("UNCLIP_TEST_PACK", os.path.join(ROOT, "models", "tiny")))
    logs = tempfile.mkdtemp(prefix="unclip-compare.")
    # torch's and its BLAS's pools the size of ONNX Runtime's. OpenMP threads that wait by spinning (this libgomp's
    # default) made 2-thread PyTorch 20-60x slower whenever another process wanted the cores (1 thread or
    # OMP_WAIT_POLICY=PASSIVE: not), so they sleep unless the caller says otherwise (docs/benchmarks.md)
    env = dict(os.environ, UNCLIP_BENCH_THREADS=threads, UNCLIP_TEST_PACK=pack, OMP_NUM_THREADS=threads,
               OPENBLAS_NUM_THREADS=threads, OMP_WAIT_POLICY=os.environ.get("OMP_WAIT_POLICY") or "PASSIVE")
    print(f"# pack {pack}; {threads} threads each (PyTorch OMP_WAIT_POLICY={env['OMP_WAIT_POLICY']}); per case "
          f"{warmup} untimed run(s) per side, then {rounds} interleaved round(s), medians; logs in {logs}", flush=True)
    sides = [Side("java", [os.path.join(ROOT, "bench", "bench.sh"), "--serve"], env, os.path.join(logs, "java.log")),
             Side("torch", ["/usr/bin/python3", os.path.join(ROOT, "training", "bench_reference.py"), "--pack", pack],
                  env, os.path.join(logs, "torch.log"))]
    for side in sides:
        side.ready()
    for side in sides:
        for line in side.info:
            print(f"# {side.name}: {line}", flush=True)
    blas = " ".join(line for line in sides[1].info if line.startswith("BENCH blas"))
    if "OpenBLAS" not in blas:
        print("# WARNING: PyTorch is NOT on OpenBLAS (" + blas + "): its figures are not a fair comparison; "
              "install libopenblas0-pthread", flush=True)
    results = {}
    for batch in batches:
        for what in PIPELINES:
            for side in sides:
                for _ in range(warmup):
                    side.run(what, batch)
            runs = {side.name: [] for side in sides}
            for r in range(rounds):
                for side in (sides if r % 2 == 0 else sides[::-1]):
                    runs[side.name].append(side.run(what, batch))
            results[(what, batch)] = runs
            print(f"# {what} images={batch}: " + "; ".join(
                f"{name} " + " ".join("%.0f" % ms(x) for x in rs) + " ms" for name, rs in runs.items()),
                file=sys.stderr, flush=True)
    for side in sides:
        side.close()
    for side in sides:
        print(f"# {side.name}: medians of {rounds} interleaved runs")
        for (what, batch), runs in results.items():
            print(summary(what, batch, runs[side.name]))
        for line in side.info:
            if "peak-rss-after" in line:
                print(line)
    print("# Java / PyTorch median wall time (below 1.0: Java is faster)")
    for (what, batch), runs in results.items():
        j, t = (statistics.median(ms(r) for r in runs[n]) for n in ("java", "torch"))
        print("RATIO %-14s images=%d java=%.0f ms torch=%.0f ms java/torch=%.2f" % (what, batch, j, t, j / t))
    if "OpenBLAS" not in blas:
        print("# WARNING: PyTorch was NOT on OpenBLAS: see above")


if __name__ == "__main__":
    main()
