"""Write models/tiny/MODEL_CARD.md from checkpoints, logs, file sizes and work/eval.json."""
import glob
import json
import os
import re
import statistics

import common
import models as M
from common import CFG, PACK, WORK
from reference_pipeline import Models


# the stages that read no other model's weights: a build that retrains CLIP onwards may keep them (continuation())
REUSABLE = {"sr", "inpaint"}


def new_run(**given):
    """One run of the build as read_runs and card_run describe it: build stage → seconds, trained stage → time caps
    (minutes), resumed stage → first step, stage → (steps reached, seconds), stage → step target (train.py logs),
    stage → the step targets an earlier card records (card_run)."""
    return {"build": {}, "caps": {}, "resumed": {}, "steps": {}, "targets": {}, "card_targets": {}, "device": None,
            "settings": None, "reused": None, "train_log": False, **given}


def read_runs():
    """The build's runs, oldest first, from their logs: $BUILD_LOG (several joined by ':' when later runs continued
    stages from their checkpoints), else the newest log in work/ (the card stage runs inside the build that writes
    it). An entry `sr,inpaint@path` takes only those stages from that log: models an earlier run of the same recipe
    trained and this build reused. Per run: build stage → seconds, trained stage → its time caps in order (minutes;
    the decoder has two in a run with the morph phase), resumed stage → first step."""
    logs = os.environ.get("BUILD_LOG") or max(glob.glob(os.path.join(WORK, "*.log")), key=os.path.getmtime)
    runs = []
    for entry in logs.split(":"):
        only, log = entry.split("@", 1) if "@" in entry else (None, entry)
        if only == "card":
            if runs:
                raise SystemExit(f"BUILD_LOG entry {entry}: an earlier pack's card can only be the first entry")
            runs.append(card_run(log))
            continue
        if only and not set(only.split(",")) <= REUSABLE:
            raise SystemExit(f"BUILD_LOG entry {entry}: only {', '.join(sorted(REUSABLE))} can come from an earlier "
                             "build; the other models train on CLIP's outputs")
        run = new_run(reused=os.path.basename(log) if only else None, train_log=True)
        stage = None  # the build stage the line belongs to (=== name ...)
        for line in open(log, errors="replace"):
            m = re.search(r"^=== (\w+) \(", line)
            if m:
                stage = m.group(1)
            if only and stage not in only.split(","):
                continue
            m = re.search(r"^=== device (.+)$", line)  # device_train.sh: trained on a GPU
            if m:
                run["device"] = m.group(1).strip()
            m = re.search(r"^=== settings (.+)$", line)
            if m:
                run["settings"] = m.group(1).strip()
            m = re.search(r"(\w+): done (\d+) steps in (\d+)s", line)
            if m:
                run["steps"][m.group(1)] = (int(m.group(2)), int(m.group(3)))
            m = re.search(r"^=== (\w+) done in (\d+)s", line)
            if m:
                run["build"][m.group(1)] = int(m.group(2))
                run["train_log"] = False
            # a train.py log of its own (no build_pack.sh around it): its stages and step targets
            m = re.search(r"\d stage (\w+) took (\d+)s", line)
            if m and run["train_log"]:
                run["build"][m.group(1)] = int(m.group(2))
            m = re.search(r"\d (\w+) step \d+/(\d+) ", line)
            if m:
                run["targets"][m.group(1)] = int(m.group(2))
            m = re.search(r"(\w+): time cap ([\d.]+) min reached", line)
            if m:
                run["caps"].setdefault(m.group(1), []).append(float(m.group(2)))
            m = re.search(r"(\w+): resumed from step (\d+)", line)
            if m:
                run["resumed"][m.group(1)] = int(m.group(2))
        runs.append(run)
    return runs


def card_run(path):
    """The runs an earlier pack's card recorded, as one run: each stage's steps, wall time and caps from its training
    table, and its Measured paragraph. For a build continued from that pack's own files (tools/pack_checkpoints.py
    rebuilds the checkpoints), whose logs are not kept with the repository."""
    text = open(path, encoding="utf-8").read()
    run = new_run(card=path)
    for m in re.finditer(r"^\| (\w+) \| [^|]+ \| (\d+) \| ([^|]+) \| ([\d.]+) min \|$", text, re.M):
        run["steps"][m.group(1)] = (int(m.group(2)), round(float(m.group(4)) * 60))
        mins = re.match(r"([\d. +]+) min", m.group(3).strip())  # "44 + 40 min", maybe "; then to step …"
        run["caps"][m.group(1)] = [float(c) for c in mins.group(1).split("+")] if mins else []
        # the step targets of the continuations that card already records ("; then to step 11,962, then to 13,300")
        run["card_targets"][m.group(1)] = re.findall(r"then to (?:step )?(\d[\d,]*\d)", m.group(3))
    m = re.search(r"^Measured: (.+)$", text, re.M)
    if not m or not run["steps"]:
        raise SystemExit(f"{path}: no training table or Measured paragraph (not a model card written by this script)")
    run["measured"] = m.group(1)
    # the last total: a card that continued an earlier card's build sums that build's total and its own runs
    m = (re.findall(r"Together, \*\*(\d+) min\*\*", run["measured"])
         or re.findall(r"took \*\*(\d+) min\*\*", run["measured"]))
    run["minutes"] = int(m[-1]) if m else None
    return run


def continuation(run):
    """How a later run continued the build, as the command that repeats it."""
    took = (f"**{sum(run['build'].values()) / 60:.0f} min** ("
            + ", ".join(f"{k} {v / 60:.1f}" for k, v in run["build"].items()) + ")")
    if run["train_log"]:
        # train.py called alone, to a step target with no time cap
        env = " ".join(f"{k.upper()}_STEPS={v}" for k, v in run["targets"].items())
        # the morph stage trains the decoder under MORPH_MINUTES
        caps = {"decoder": "MORPH"} if "morph" in run["build"] else {}
        cap = "".join(f" {caps.get(k, k.upper())}_MINUTES=0" for k in run["targets"])
        return (f"`{env}{cap} python3 training/train.py {' '.join(run['build'])}` resumed "
                + ", ".join(f"{k} at step {s}" for k, s in run["resumed"].items()) + f" and took {took}")
    if run["reused"]:
        return (f"{' and '.join(run['build'])} came from an earlier run of the same recipe (`{run['reused']}`; they "
                f"read neither CLIP nor the prior or decoder, and every stage has its own seed), where they took {took}")
    if not run["resumed"]:
        return f"`training/build_pack.sh {' '.join(run['build'])}` took {took}"
    # the morph stage (train.py morph) resumes the decoder by itself; its time cap is MORPH_MINUTES
    morph = "morph" in run["build"]
    env = " ".join(f"MORPH_MINUTES={run['caps'][k][-1]:g}" if morph and k == "decoder"
                   else f"{k.upper()}_RESUME=1 {k.upper()}_MINUTES={run['caps'][k][-1]:g}"
                   for k in run["resumed"] if k in run["caps"])
    return (f"`{env} training/build_pack.sh {' '.join(run['build'])}` resumed "
            + ", ".join(f"{k} at step {s}" for k, s in run["resumed"].items()) + f" and took {took}")


def copy_contact_sheets():
    """The evaluation's contact sheets (work/eval/*.png) into the pack's card/ folder; [(file, title)]."""
    import shutil
    out = []
    for name, title in (("t2i.png", "text→image"), ("variation.png", "variations"),
                        ("interpolation.png", "interpolation"), ("inpaint.png", "inpainting")):
        src = os.path.join(WORK, "eval", name)
        if os.path.exists(src):
            os.makedirs(os.path.join(PACK, "card"), exist_ok=True)
            shutil.copyfile(src, os.path.join(PACK, "card", name))
            out.append((name, title))
    return out


def pct(x):
    return "–" if x is None else f"{100 * x:.0f} %"


def check_evaluated_files(ev):
    """The card's figures must be of the files that ship: an evaluation of checkpoints, or of other files, could
    describe another model (the v5 card did: its figures were not reproducible from its files, STATUS.md
    2026-12-06)."""
    if ev is None:
        return
    if "pack" not in ev:
        raise SystemExit(f"{WORK}/eval.json scored checkpoints, not the pack's files: run "
                         f"`evaluate.py --pack {PACK}` (build_pack.sh's evaluate stage) before the card")
    now = common.pack_files(PACK)
    changed = sorted(n for n in set(now) | set(ev["pack"]["files"]) if now.get(n) != ev["pack"]["files"].get(n))
    if changed:
        raise SystemExit(f"{WORK}/eval.json scored other files than {PACK} holds now ({', '.join(changed)}): "
                         "run the evaluate stage again")


def main():
    common.setup()
    m = Models()
    runs = read_runs()
    steps = {k: v for run in runs for k, v in run["steps"].items()}  # a later run's totals replace the earlier
    from_nothing = not runs[0].get("card")  # not a continuation of an earlier pack's card
    build = runs[0]["build"]
    ev = json.load(open(os.path.join(WORK, "eval.json"))) if os.path.exists(os.path.join(WORK, "eval.json")) else None
    check_evaluated_files(ev)
    pack = json.load(open(os.path.join(PACK, "pack.json")))
    files = sorted(set(st["file"] for st in pack["stages"].values()))
    sizes = {f: os.path.getsize(os.path.join(PACK, f)) for f in files}
    total = sum(os.path.getsize(p) for p in glob.glob(os.path.join(PACK, "**", "*"), recursive=True) if os.path.isfile(p))
    params = {"text_encoder (CLIP text tower)": M.n_params(m.clip.text),
              "image_encoder (CLIP image tower)": M.n_params(m.clip.image), "prior": M.n_params(m.prior),
              "decoder": M.n_params(m.text_proj) + M.n_params(m.decoder),
              "super_res (first = last)": M.n_params(m.sr), "inpaint_base": M.n_params(m.inpaint)}
    L = []
    w = L.append
    w("# Tiny pack — model card\n")
    w("A complete, tiny unCLIP family (CLIP text + image towers, diffusion prior, text projection, 16 px decoder, "
      "16→64 super-resolution) plus a GLIDE-style text-conditional inpainting model, trained from scratch on CPU on "
      "a synthetic world of coloured shapes. It exists so the studio can be built, tested and demonstrated end to "
      "end without downloading anything; it is not a general image generator.\n")
    w("Licence: **MIT** (weights, code, data generator). Format: `pack.json` format 2 (`docs/model-packs.md`).\n")
    w("## World\n")
    w("`training/world.py` renders 64×64 images (4× supersampled, box-filtered) of one or two objects: 8 colours "
      "(red, green, blue, yellow, purple, orange, cyan, pink), 6 shapes (circle, square, triangle, star, ring, cross), "
      "2 sizes (radius 15 % and 21 % of the image), 9 positions (centre, left, right, top, bottom and the four corners, ±3 % jitter), 4 backgrounds "
      "(white, black, grey, beige). Captions come from 7 templates with synonyms (\"a small red circle in the top "
      "left corner\", \"top-left: tiny crimson disc on white\", \"there is a big teal donut on the right\", two-object "
      "forms joined by \"and\", \";\" or \",\"). Eight colour×shape pairs are **held out** of all training data: "
      + ", ".join(f"{c} {s}" for c, s in sorted(__import__('world').HELD_OUT)) + ".\n")
    w(f"Training data: {common.load_data()['images'].shape[0]} cached renders (seed 1234) with 3 captions each.\n")
    w("## Architecture\n")
    w("| stage | file | parameters | file size | notes |\n|---|---|---|---|---|")
    desc = {
        "text_encoder": f"causal transformer, width {CFG['W']}, 3 layers, 4 heads, context {CFG['L']}, pooled at EOT (argmax id), projection to C={CFG['C']} (not normalised)",
        "image_encoder": f"5-layer CNN (GroupNorm/SiLU, 32→4 px) + MLP head → C={CFG['C']}; input 32×32 CLIP-normalised",
        "prior": f"residual MLP (width {CFG['prior_d']}, {CFG['prior_layers']} blocks) over text_embeds + masked mean of the text tokens + time + x_t; x0-prediction, normalised CLIP space",
        "decoder": f"text projection inside the graph (4 image tokens + LayerNorm(Linear(text tokens)) → D={CFG['D']}; class_labels = Linear(text_emb) + Linear(image_emb), E={4 * CFG['dec_ch']}; learned null image embedding), then a UNet {CFG['dec_ch']}/{2 * CFG['dec_ch']}/{2 * CFG['dec_ch']} ch at 16/8/4 px, scale-shift ResBlocks, attention at 8 and 4 px over [encoder tokens ; spatial] with the token mask; ε + learned-range v",
        "super_res_first": f"fully convolutional UNet {CFG['sr_ch']}/{2 * CFG['sr_ch']}/{2 * CFG['sr_ch']} ch, no attention, inputs x_t and bicubic(16→64), concatenated inside; residual: x0 = bicubic low-res + UNet output, ε derived inside the graph, fixed_small_log; trained with an x0 loss on whole 64×64 images; the same file serves super_res_last",
        "inpaint_base": f"GLIDE-style: own bidirectional text transformer (width {CFG['inp_W']}, 2 layers, padding embedding where mask is False, pooled at the last position) + UNet {CFG['inp_ch']}/{2 * CFG['inp_ch']}/{2 * CFG['inp_ch']} ch with 7 input channels (x_t, masked image, keep-mask); ε + learned-range v",
    }
    pkeys = {"text_encoder": "text_encoder (CLIP text tower)", "image_encoder": "image_encoder (CLIP image tower)",
             "prior": "prior", "decoder": "decoder", "super_res_first": "super_res (first = last)",
             "inpaint_base": "inpaint_base"}
    for st, k in pkeys.items():
        f = pack["stages"][st]["file"]
        w(f"| `{st}` | `{f}` | {params[k]:,} | {sizes[f] / 1e6:.2f} MB | {desc[st]} |")
    w(f"\nTotal parameters: {sum(params.values()):,}. Pack folder size: {total / 1e6:.1f} MB. "
      "All ONNX files: opset 17, dynamic batch axis, checked with `onnx.checker`, with ONNX Runtime 1.23.2 (Java) "
      "against PyTorch (`training/tools/ort_check.py`, max abs error ≤ 1e-5), and traced-vs-eager at another batch size.\n")
    w("Diffusion: cosine schedule, 1000 training steps, float64 schedule maths. Defaults in `pack.json`: prior "
      f"\"{pack['stages']['prior']['scheduler']['respacing']}\" steps, guidance {pack['stages']['prior']['guidance_scale']}, x0 clamp ±5; decoder "
      f"\"{pack['stages']['decoder']['scheduler']['respacing']}\", guidance {pack['stages']['decoder']['guidance_scale']}; super-res \"7\"; inpainting "
      f"\"{pack['stages']['inpaint_base']['scheduler']['respacing']}\", guidance {pack['stages']['inpaint_base']['guidance_scale']}.\n")
    w("Tokenizer: CLIP byte-level BPE learned from 20,000 captions (`tokenizer/bpe_vocab.txt.gz`, CLIP file format, "
      f"{m.tok.vocab_size - 514} merges, vocabulary {m.tok.vocab_size} = 256 bytes + 256 bytes`</w>` + merges + "
      f"SOT {m.tok.sot} + EOT {m.tok.eot}), context {CFG['L']}, pad 0, mask SOT..EOT. The inpainting model uses the same tokenizer.\n")
    w("## Training\n")
    gpu = runs[0]["device"] if runs else None
    if gpu:
        w(f"Trained on **{gpu}** by `training/device_train.sh` ({runs[0]['settings']}); export, ONNX Runtime check, "
          "fixtures and evaluation on the CPU by `training/from_device.sh DIR`, DIR holding the files the device "
          "brought back. The recipe is the CPU one below; the CPU route (`training/build_pack.sh`) stays reproducible.\n")
    w(("AdamW" if gpu else "Debian `python3-torch` 1.13 on CPU, `torch.set_num_threads(2)`, AdamW") + ", constant LR after 100 warm-up steps, "
      "EMA (0.999) of the diffusion models, fixed seeds. Losses: CLIP symmetric InfoNCE, 12 of each batch of 128 being two-object scenes that come with their swapped twin (colours, shapes or places exchanged: each is the other's hardest negative, so the embedding must say which attribute goes with which object; `CLIP_HARD_PAIRS`, since v5); prior MSE on x0 (10 % empty "
      "prompts); decoder ε-MSE + VLB term for the learned variance (improved-DDPM hybrid), 10 % null image embedding "
      "and 30 % empty prompts (Gaussian noise of 0.1·|z|/√C on the image embedding in half the samples), then a second "
      "phase (`morph`, since v4) from its checkpoint in which a quarter of each batch is an interpolation frame: the "
      "slerp between two training images' embeddings with `world.morph`'s frame at the same t as target (background, "
      "position, size and colour moving linearly, the two shapes mixed) and \"\" as text, and its ε loss weighted "
      "towards high noise, where sampling decides the background's tone (min(1 + 1/SNR, 50) per timestep, normalised "
      "to mean 1; `MORPH_SNR_WEIGHT`, since v7); super-res x0-MSE (residual) with Gaussian noise (σ ≤ 0.04) on the low-res conditioning; inpainting "
      "hybrid loss with object-box (70 %), random-rectangle (25 %) and full (5 %) masks, 20 % empty prompts. "
      "Captions: a template that leaves the background out names it anyway in half of the training captions "
      "(`P_NAME_BG` 0.5, since v3).\n")
    w("| stage | batch | steps reached | cap | wall time |\n|---|---|---|---|---|")
    batches = {"clip": 128, "prior": 256, "decoder": 64, "sr": "16 (whole 64×64 images)", "inpaint": 32}
    if gpu:
        m = re.search(r"batches clip (\d+) prior (\d+) decoder (\d+) sr (\d+) inpaint (\d+)", runs[0]["settings"] or "")
        if m:
            batches = dict(zip(("clip", "prior", "decoder", "sr", "inpaint"), m.groups()))
    for k in ("clip", "prior", "decoder", "sr", "inpaint"):
        s = steps.get(k)
        caps = [f"{c:g}" for run in runs for c in run["caps"].get(k, [])]
        cap = " + ".join(caps) + " min" if caps else "none"
        targets = runs[0]["card_targets"].get(k, []) + [f"{run['targets'][k]:,}" for run in runs
                                                           if run["targets"].get(k) and run["train_log"]]
        if targets:  # continued without a time cap, to a step count
            cap += "; then to step " + ", then to ".join(targets)
        w(f"| {k} | {batches[k]} | {s[0] if s else '?'} | {cap} | {s[1] / 60:.1f} min |" if s
          else f"| {k} | {batches[k]} | ? | {cap} | ? |")
    tot = sum(build.values())
    if gpu:
        rest = runs[1]["build"] if len(runs) > 1 else {}
        w(f"\nMeasured: on the device, tokenizer, data and the five models took **{tot / 60:.0f} min** ("
          + ", ".join(f"{k} {v / 60:.1f}" for k, v in build.items()) + "); here, on the 2-vCPU development box, "
          f"the rest took {sum(rest.values()) / 60:.0f} min (" + ", ".join(f"{k} {v / 60:.1f}" for k, v in rest.items())
          + "). Each model trained until its time cap.\n")
    elif runs[0].get("card"):
        later = sum(v for run in runs[1:] for v in run["build"].values()) / 60
        rev = re.search(r"MODEL_CARD-(\w+)\.md$", runs[0]["card"])  # a card kept as git show REV:… > MODEL_CARD-REV.md
        ref = f"`git show {rev.group(1)}:models/tiny/MODEL_CARD.md`" if rev else f"`{os.path.basename(runs[0]['card'])}`"
        # that card may itself continue an earlier one: its paragraph already says so, and this one goes on from it
        chained = runs[0]["measured"].startswith("the build of the pack this one continues")
        w("\nMeasured: " + ("" if chained else f"the build of the pack this one continues, as its card recorded it ({ref}): ")
          + runs[0]["measured"] + " Then, from " + (f"that pack's own files ({ref}; " if chained else "that pack's own files (")
          + "`train.py data` renders the same training set, `tools/pack_checkpoints.py` rebuilds the checkpoints "
          "from the ONNX files), "
          + " Then ".join(f"{continuation(run)}." for run in runs[1:])
          + (f" Together, **{runs[0]['minutes'] + later:.0f} min** on two machines." if runs[0]["minutes"] else "")
          + (f" {os.environ['CONTINUATION_NOTE']}" if os.environ.get("CONTINUATION_NOTE") else "") + "\n")
    else:
        whole = all(k in build for k in ("clip", "prior", "decoder", "sr", "inpaint", "evaluate"))
        early = [k for k in ("clip", "prior", "decoder", "sr", "inpaint") if k in steps and not any(
            run["caps"].get(k) for run in runs)]  # stopped at *_STEPS before their time cap
        w("\nMeasured: " + (f"one uninterrupted `training/build_pack.sh` run from nothing ({', '.join(build)})" if whole else
                            f"`training/build_pack.sh {' '.join(build)}` from nothing")
          + f" took **{tot / 60:.0f} min**" + (" before this card" if whole else "")
          + ", on this project's 2-vCPU development box" + (f" {os.environ['BUILD_MACHINE_NOTE']}" if os.environ.get("BUILD_MACHINE_NOTE") else "") + ". "
          + ", ".join(f"{k} {v / 60:.1f}" for k, v in build.items()) + " (minutes). "
          + "".join(f"Then {continuation(run)}. " for run in runs[1:])
          + (f"Together, **{sum(v for run in runs for v in run['build'].values()) / 60:.0f} min**, the runs are "
             f"the default recipe split in {({2: 'two', 3: 'three'}).get(len(runs), len(runs))} (" + ("the morph stage came after the first run; "
                                                           "`training/build_pack.sh` now runs it right after the "
                                                           "decoder, and " if any("morph" in run["build"] for run in runs[1:])
                                                           else "") + "the stages' order changes nothing: each has its own seed). "
             if len(runs) > 1 else "")
          + (f"Every training stage but {', '.join(early)} stopped at its time cap ({', '.join(early)}: at its step count first; "
             if early else "Every training stage stopped at its time cap (")
          + "the runs' caps together are the defaults in `training/README.md`; a stage resumed in a later run restarts its optimiser), so the models are "
          "still undertrained; more steps (`*_STEPS` with `*_MINUTES=0`, or `DEVICE=cuda`) improve them.\n")
    if ev:
        w("## Evaluation\n")
        w("`training/evaluate.py` scores generated images against the renderer's ground truth (background = median border "
          "colour; object pixels = far from the background; colour = majority nearest palette colour; position = "
          "centroid on the 3×3 grid; shape/size = best IoU against rendered templates). Sanity check: the scorer "
          "gets 98.5 % of ground-truth renders fully right.\n")
        c = ev["clip_zero_shot"]
        # background: zero-shot only (evaluations before issue 12's v3 recipe did not measure it)
        bgz = lambda split: pct(c[split]["background"]) if "background" in c[split] else "–"
        w("| test | colour | shape | position | n | background |\n|---|---|---|---|---|---|")
        w(f"| CLIP zero-shot, held-out colour×shape pairs | {pct(c['heldout']['colour'])} | {pct(c['heldout']['shape'])} | {pct(c['heldout']['position'])} | {ev['t2i_single']['n'] + ev['t2i_single_heldout_pairs']['n']} | {bgz('heldout')} |")
        w(f"| CLIP zero-shot, training pairs (new renders) | {pct(c['train']['colour'])} | {pct(c['train']['shape'])} | {pct(c['train']['position'])} | same | {bgz('train')} |")
        for k, name in (("t2i_single", "text→image, one object, training pairs"),
                        ("t2i_single_heldout_pairs", "text→image, one object, held-out pairs"),
                        ("t2i_single_all", "text→image, one object, all")):
            r = ev[k]
            w(f"| {name} | {pct(r['colour'])} | {pct(r['shape'])} | {pct(r['position'])} | {r['n']} | |")
        v = ev["variation"]
        w(f"| image variations (source kept) | {pct(v['colour'])} | {pct(v['shape'])} | {pct(v['position'])} | {v['n']} | |")
        w("")
        w(f"- Text→image, two objects: both objects with the right colour at the right position {pct(ev['t2i_two_objects']['both_objects'])}, "
          f"per object {pct(ev['t2i_two_objects']['per_object'])} (n = {ev['t2i_two_objects']['n']}).")
        w(f"- Variations keep colour and shape: {pct(v['colour+shape'])}.")
        w(f"- Inpainting (mask over one object, prompt asks for a new colour): kept region exact {pct(ev['inpaint']['kept_region_exact'])}, "
          f"repainted region has the requested colour {pct(ev['inpaint']['repainted_colour'])} (n = {ev['inpaint']['n']}).")
        if "targets" in ev:  # evaluate.py since issue 12: its table, old (training/eval-baseline/eval.json) -> new
            bp = os.path.join(os.path.dirname(os.path.abspath(__file__)), "eval-baseline", "eval.json")
            old = {t["measure"]: t["value"] for t in json.load(open(bp))["targets"]} if os.path.exists(bp) else {}
            w("\n| measure (issue 12) | old (Java engine, pack before issue 12) | new | target | met |\n|---|---|---|---|---|")
            for t in ev["targets"]:
                w(f"| {t['measure']} | {old.get(t['measure'], '–')} | {t['value']} | {t['target']} | "
                  f"{'yes' if t['met'] else 'no'} |")
            w("")
        gset = {k: v for k, v in ev["guidance"].items() if k != "search"}
        w(f"- Settings: {json.dumps(gset)}; evaluation took {ev['seconds'] / 60:.1f} min.")
        gp = os.path.join(WORK, "guidance.json")
        if os.path.exists(gp):
            gs = json.load(open(gp))
            w(f"- Decoder guidance chosen by `evaluate.py --guidance-search`: {gs['decoder_guidance']} "
              f"(text→image colour/position/shape/background, variations kept, interpolation pairs within 2× the "
              f"median, per scale, on cases of the search's own: "
              + "; ".join(f"{k}: {pct(x['colour'])}/{pct(x['position'])}/{pct(x['shape'])}/"
                          + "/".join(pct(x.get(f)) for f in ("background", "variation", "interpolation"))
                          for k, x in gs['search'].items()) + ").")  # "–": a search before that measure counted
        w("\nWhere a figure is below its target, Limitations says why and what would fix it.\n")
        sheets = copy_contact_sheets()
        if sheets:
            w("## Contact sheets\n")
            w("From the evaluation above (`evaluate.py --pack`: this pack's own files in the PyTorch reference "
              "pipelines, same seeds as the figures): "
              "text→image (first 40 captions), variations and inpainting (source, result pairs), interpolation "
              "(source A, five frames, source B per row).\n")
            for name, title in sheets:
                w(f"**{title}**\n\n![{title}](card/{name})\n")
    w("## Rebuild\n")
    w("```\ntraining/build_pack.sh            # tokenizer data clip prior decoder morph sr inpaint guidance export ortcheck fixtures evaluate card\n"
      "DECODER_STEPS=20000 DECODER_MINUTES=0 training/build_pack.sh decoder export fixtures evaluate card   # longer decoder\n"
      "DEVICE=cuda THREADS=8 training/build_pack.sh   # on a GPU machine (torch with CUDA)\n```\n")
    w("Stages read `*_STEPS`, `*_MINUTES` (time cap, 0 = none) and `*_BATCH` from the environment; see `training/README.md`. "
      "Seeds are fixed; with time caps the number of steps reached depends on the machine (it is logged and listed above), and a "
      "run configured with that many steps and no cap reproduces it.\n")
    w("## Limitations\n")
    w("Synthetic shapes only; 64×64 output from a 16 px base (small stars and crosses are only a few base pixels "
      "wide); the prior is a residual MLP over the pooled and mean text features rather than a transformer. "
      "The residual super-resolution (x0 = bicubic low-res + a learned correction) passes the 16 px image through "
      "faithfully (inpainting seam, stray corner pixel and lifted tones fixed in v2); captions that name the "
      "background in half of the templates that leave it out (`P_NAME_BG`, v3) give CLIP's embedding a strong "
      "background direction, which the decoder now follows.\n")
    if ev and "targets" in ev:
        ip, bg, two = ev["interpolation"], ev["background"], ev["t2i_two_objects"]
        var = ev["variation"]
        w(f"**Two objects** ({pct(two['both'])} both right, v4: 27 %): v4's CLIP embedding barely bound attributes "
          "to objects (a render and the same scene with the two objects' colours swapped 0.96 apart in cosine; the "
          "true caption beat the colour-swapped one for 57 % of images, chance 50 %), so the decoder drew the right "
          "attributes on the wrong objects. v5's CLIP trains with swapped twins as hard negatives: 0.68 apart, 99 % "
          "(`training/tools/diagnose_binding.py`). DALL·E 2's paper reports the same weakness of unCLIP.\n")
        w(f"**Background and variations** ({pct(bg['ok'])} of text→image backgrounds within 12 levels, mean "
          f"{bg['mean_levels']:.1f} levels; variations keep colour, shape and background in {pct(var['all'])}): the "
          "decoder's steps decide them. v5's decoder, at 8,962 steps (a busy host ran it at 1.8 it/s), drew black "
          "backgrounds at (36, 35, 39) unguided and at (2, 1, 5) with guidance 3 (the world's black is (22, 22, 26)): "
          "72 % / 67 % on its own files. 3,000 more steps: 94 % / 90 %; 4,338 more (13,300, about what the default "
          "44 + 40 min reach on a quiet box): 95 % / 97 % at guidance 2 (v6). The rest was the loss: the plain ε loss "
          "sees an x0 error at high noise times SNR, i.e. hardly, and there sampling decides the tone (given a "
          "noised frame at t = 980, v6 predicted its border 40–60 levels off; at t ≤ 800 within a few). 1,500 more "
          "steps with the morph phase's ε loss weighted by min(1 + 1/SNR, 50) (`MORPH_SNR_WEIGHT`): 98 % / 100 % "
          "(1,500 plain steps, same cases: 97 % / 95 %; `training/STATUS.md` 2026-12-06)"
          + (f"; a build from nothing with the weight on its whole morph phase: the figures above "
             f"({steps['decoder'][0]:,} steps)" if from_nothing else "") + ". The backgrounds still missed are "
          "mostly of captions that name none, where the prior's embedding lies between two backgrounds and the "
          "decoder, taught by the morph phase to draw what lies between, draws an in-between tone.\n")
        ok = ip["ok"] >= 1
        w(("" if ok else "What is left: ") + f"**Interpolation** (largest change within 2× the median in {pct(ip['ok'])} of "
          f"pairs, median ratio {ip['median_ratio']:.2f}; mean change per gap "
          f"{', '.join(f'{x:g}' for x in ip['mean_change_per_gap'])} levels). The pairs that failed were those whose "
          "background changes most (white ↔ black, beige → black): the frames' tone held near one end and then turned "
          "within one or two gaps, because from the slerp's embedding alone at high noise (t = 980) the decoder "
          "predicted an in-between frame's tone 40–60 levels off; the sampler (DDIM η = 0), the decoder guidance "
          "(1–3), more plain steps, t drawn nearer the middle and an LR cool-down did not move it. v5's own files: "
          "65 %, v6 85 %, v7 (the weighted loss on the last 1,500 of 14,800 steps) 90 %; the weighted loss over a "
          "whole morph phase, as a build from nothing applies it"
          + (f"{' (this pack)' if from_nothing else ''}, brings every pair within 2× (`training/STATUS.md` 2026-12-06)." if ok else
             ", is the next measure (`training/STATUS.md` 2026-12-06).")
          + " Averaged over the pairs, the path is smooth (mean change per gap above: largest "
          f"{max(ip['mean_change_per_gap']) / statistics.median(ip['mean_change_per_gap']):.2f}× the median).\n")
    with open(os.path.join(PACK, "MODEL_CARD.md"), "w") as f:
        f.write("\n".join(L) + "\n")
    print("MODEL_CARD.md written")


if __name__ == "__main__":
    main()
