"""Make evaluate.py's cases with the Java engine's command line, for `evaluate.py --folder DIR`.

  cd /work/wt-eval && mvn -B -q -o package -DskipTests        # once: target/quarkus-app
  /usr/bin/python3 training/tools/engine_samples.py OUT_DIR [--n 300] [--pack models/tiny]
  /usr/bin/python3 training/evaluate.py --folder OUT_DIR --sheets OUT_DIR/sheets

Writes OUT_DIR/cases.json (evaluate.make_cases(n)), the source renders and masks it needs, runs every command in one
JVM (tools/EngineBatch.java calls the CLI's own entry point, `bin/studio generate|variations|interpolate|inpaint`),
and moves the results to OUT_DIR/<kind>/<index>.png (interpolation: <index>-<frame>.png). Seeds: case i uses seed
1000 + i, so a rerun gives the same images.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import evaluate  # noqa: E402
import world  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))


def png(path, arr):
    Image.fromarray(arr).save(path)
    return path


def commands(cases, out, pack):
    """(kind, index, CLI words) for every case; the result lands in out/raw/<kind>-<index>/."""
    src = os.path.join(out, "src")
    os.makedirs(src, exist_ok=True)
    common = lambda kind, i: ["--seed", str(1000 + i), "--out", os.path.join(out, "raw", f"{kind}-{i:04d}"), "--quiet",
                              "--pack", pack]
    for kind in ("t2i", "two"):
        for i, c in enumerate(cases[kind]):
            yield kind, i, ["generate", c["caption"]] + common(kind, i)
    for i, c in enumerate(cases["variation"]):
        p = png(os.path.join(src, f"variation-{i:04d}.png"), world.render(c["scene"]))
        yield "variation", i, ["variations", p] + common("variation", i)
    for i, c in enumerate(cases["inpaint"]):
        p = png(os.path.join(src, f"inpaint-{i:04d}.png"), world.render(c["scene"]))
        # the CLI's mask: white = regenerate, black = keep
        mk = png(os.path.join(src, f"inpaint-{i:04d}-mask.png"), np.where(evaluate.keep64(c), 0, 255).astype(np.uint8))
        yield "inpaint", i, ["inpaint", p, "--mask", mk, c["caption"]] + common("inpaint", i)
    for i, c in enumerate(cases["interpolation"]):
        a = png(os.path.join(src, f"interp-{i:04d}-a.png"), world.render(c["a"]))
        b = png(os.path.join(src, f"interp-{i:04d}-b.png"), world.render(c["b"]))
        yield "interpolation", i, ["interpolate", a, b, "--frames", "5"] + common("interpolation", i)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--pack", default=os.path.join(ROOT, "models", "tiny"))
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    cases = evaluate.make_cases(a.n)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump(cases, f)
    cmds = list(commands(cases, out, os.path.abspath(a.pack)))
    raw = lambda kind, i: os.path.join(out, "raw", f"{kind}-{i:04d}")

    def done(kind, i, words):  # resumable: a case is kept only if its image exists and was made by the same command
        cmd = os.path.join(raw(kind, i), "cmd.txt")
        return os.path.exists(cmd) and open(cmd).read() == "\t".join(words) and glob.glob(raw(kind, i) + "/*.png")
    todo = [c for c in cmds if not done(*c)]
    with open(os.path.join(out, "commands.tsv"), "w") as f:
        f.writelines("\t".join(w) + "\n" for _, _, w in todo)
    app = os.path.join(ROOT, "target", "quarkus-app")
    cp = os.path.join(app, "app", "*") + os.pathsep + os.path.join(app, "lib", "main", "*")
    subprocess.run(["java", "-cp", cp, os.path.join(HERE, "EngineBatch.java"), os.path.join(out, "commands.tsv")],
                   check=True, stdout=subprocess.DEVNULL)
    for kind, i, words in cmds:
        with open(os.path.join(raw(kind, i), "cmd.txt"), "w") as f:
            f.write("\t".join(words))
        files = sorted(glob.glob(os.path.join(raw(kind, i), "*.png")))  # name ends in -NN.png
        os.makedirs(os.path.join(out, kind), exist_ok=True)
        if kind == "interpolation":
            files.sort(key=lambda p: int(p.rsplit("-", 1)[1][:-4]))
            for k, p in enumerate(files):
                shutil.copy(p, os.path.join(out, kind, f"{i:04d}-{k}.png"))
        else:
            shutil.copy(files[0], os.path.join(out, kind, f"{i:04d}.png"))
    print(f"{len(cmds)} cases in {out}; score with: evaluate.py --folder {out}")


if __name__ == "__main__":
    main()
