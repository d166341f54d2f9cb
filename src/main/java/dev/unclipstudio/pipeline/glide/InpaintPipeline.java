package dev.unclipstudio.pipeline.glide;

import dev.unclipstudio.pipeline.NoiseSource;
import dev.unclipstudio.pipeline.PipelineResult;
import dev.unclipstudio.pipeline.guidance.ClassifierFreeGuidance;
import dev.unclipstudio.pipeline.guidance.GuidanceLayout;
import dev.unclipstudio.pipeline.image.BicubicResize;
import dev.unclipstudio.pipeline.image.ImageTensors;
import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.onnx.InpaintModel;
import dev.unclipstudio.pipeline.onnx.StageSession;
import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.pipeline.pack.StageSpec;
import dev.unclipstudio.pipeline.sampling.LoopBuffers;
import dev.unclipstudio.pipeline.sampling.Progress;
import dev.unclipstudio.pipeline.sampling.SamplingLoop;
import dev.unclipstudio.pipeline.schedule.DenoisedHook;
import dev.unclipstudio.pipeline.schedule.UnclipScheduler;
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import dev.unclipstudio.pipeline.text.TokenizedBatch;
import dev.unclipstudio.pipeline.text.Tokenizer;
import dev.unclipstudio.pipeline.unclip.SuperResChain;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GLIDE-style inpainting (spec §1d): the base model samples at its own resolution with the known region re-inserted
 * into x0 before clipping at every step, guidance layout {@code [cond ; uncond]}; then an inpainting upsampler if the
 * pack has one (quantised low-res, x_T·0.997, no guidance), else the super-res chain; finally the known region is
 * pasted back at full size so it equals the resized source exactly. Thread-safe.
 */
public final class InpaintPipeline {

  public static final String BASE = "inpaint_base";
  public static final String UPSAMPLER = "inpaint_upsampler";
  private static final double UPSAMPLE_TEMPERATURE = 0.997;

  private final ModelPack pack;
  private final InpaintModel base;
  private final InpaintModel upsampler;
  private final SuperResChain superRes;
  private final Tokenizer tokenizer;

  /**
   * @param upsampler the pack's {@code inpaint_upsampler}, or null
   * @param superRes used when there is no inpainting upsampler; null when the base output is final
   */
  public InpaintPipeline(ModelPack pack, InpaintModel base, InpaintModel upsampler, SuperResChain superRes) {
    this.pack = pack;
    this.base = base;
    this.upsampler = upsampler;
    this.superRes = superRes;
    this.tokenizer = pack.tokenizerFor(ModelPack.INPAINT_BASE);
  }

  /**
   * @param keepMask at the pack's image size, true = keep
   * @param steps base steps, null = default
   * @param guidanceScale null = default
   */
  public PipelineResult inpaint(RgbImage source, boolean[] keepMask, String prompt, int batch, Integer steps,
      Double guidanceScale, NoiseSource noise, Progress.Factory progressFactory) {
    int full = pack.imageSize();
    KeepMask keep = new KeepMask(keepMask, full);
    RgbImage fullSource = BicubicResize.resize(source, full, full); // what the kept region must equal
    StageSpec baseSpec = pack.stage(ModelPack.INPAINT_BASE);
    UnclipScheduler baseScheduler = UnclipScheduler.create(baseSpec.scheduler().withSteps(steps));
    UnclipScheduler upScheduler = upsampler == null ? null
        : UnclipScheduler.create(pack.stage(ModelPack.INPAINT_UPSAMPLER).scheduler());
    int laterSteps = upScheduler != null ? upScheduler.numSteps() : superRes != null ? superRes.steps() : 0;
    Progress progress = progressFactory.create(baseScheduler.numSteps() + laterSteps);
    Double scale = guidanceScale != null ? guidanceScale : baseSpec.guidanceScale();
    ClassifierFreeGuidance cfg = new ClassifierFreeGuidance(scale == null ? 1.0 : scale, GuidanceLayout.COND_FIRST);

    TokenizedBatch tokens = tokenizer.tokenize(List.of(prompt, "")); // [2, L']
    Map<String, FloatTensor> intermediates = new LinkedHashMap<>();
    FloatTensor x = runStage(BASE, base, baseSpec.imageSize(), fullSource, keep, tokens, cfg, batch, baseScheduler,
        null, 1.0, noise, progress); // [B, 3, S', S']
    intermediates.put("base_output", x);
    FloatTensor result;
    if (upsampler != null) {
      ClassifierFreeGuidance none = new ClassifierFreeGuidance(1.0, GuidanceLayout.COND_FIRST);
      result = runStage(UPSAMPLER, upsampler, pack.stage(ModelPack.INPAINT_UPSAMPLER).imageSize(), fullSource, keep,
          tokens, none, batch, upScheduler, quantise(x), UPSAMPLE_TEMPERATURE, noise, progress);
    } else if (superRes != null) {
      result = superRes.run(clamp(x), noise, progress);
    } else {
      result = x;
    }
    int side = (int) result.shape()[2];
    if (side != full) {
      throw new IllegalStateException("pack " + pack.name() + ": inpainting produced " + side + " px images but the"
          + " pack's image size is " + full);
    }
    return new PipelineResult(pasteBack(result, fullSource, keep), null, intermediates);
  }

  /**
   * One inpainting diffusion loop at {@code side} px with re-insertion of the known region; the source is resized
   * on its [-1, 1] float values (antialiased bicubic, as the reference does).
   */
  private FloatTensor runStage(String stage, InpaintModel model, int side, RgbImage source, KeepMask keep,
      TokenizedBatch tokens, ClassifierFreeGuidance cfg, int batch, UnclipScheduler scheduler, FloatTensor lowRes,
      double initialScale, NoiseSource noise, Progress progress) {
    KeepMask mask = side <= keep.size() ? keep.downsample(side) : keep.upsampleNearest(side);
    float[] m = mask.toTensor().data(); // [S·S]
    float[] src = BicubicResize.resizePlanes(ImageTensors.toSigned(source).data(), 3, source.height(),
        source.width(), side, side); // [3, S, S]
    float[] known = new float[src.length]; // src·m, what GLIDE feeds as inpaint_image
    int hw = side * side;
    for (int i = 0; i < known.length; i++) {
      known[i] = src[i] * m[i % hw];
    }
    int rows = cfg.rows(batch);
    FloatTensor inpaintImage = FloatTensor.of(known, 1, 3, side, side).broadcastRows(rows); // [N, 3, S, S]
    FloatTensor inpaintMask = FloatTensor.of(m, 1, 1, side, side).broadcastRows(rows); // [N, 1, S, S]
    int l = tokens.contextLength();
    int[] ids = new int[rows * l];
    boolean[] tokenMask = new boolean[rows * l];
    for (int r = 0; r < rows; r++) {
      int from = r < batch ? 0 : 1; // [cond × B ; uncond × B]
      System.arraycopy(tokens.ids(), from * l, ids, r * l, l);
      System.arraycopy(tokens.mask(), from * l, tokenMask, r * l, l);
    }
    // x0 ← x0·(1 − m) + (src·m)·m, before clipping (GLIDE notebook denoised_fn)
    DenoisedHook reinsert = x0 -> {
      for (int i = 0; i < x0.length; i++) {
        int p = i % (3 * hw);
        double mm = m[p % hw];
        x0[i] = x0[i] * (1 - mm) + known[p] * mm;
      }
    };
    // lowRes: [B, 3, S0, S0], upsampler only (never guided)
    try (StageSession.Steps steps = model.steps(side, ids, tokenMask, inpaintImage, inpaintMask, lowRes)) {
      LoopBuffers buffers = LoopBuffers.of(steps, batch * 3 * hw, true);
      double[] x = SamplingLoop.run(stage, scheduler, batch, buffers, initialScale, // ε ‖ v, [N, 6, S, S]
          (xt, k, t) -> cfg.combine(steps.step(xt, rows / batch, t), batch, 6, 3, buffers.guided()),
          reinsert, noise, progress, side);
      return FloatTensor.fromDoubles(x, batch, 3, side, side);
    }
  }

  /** round((x + 1)·127.5)/127.5 − 1: the base sample as the 8-bit image GLIDE hands to its upsampler. */
  static FloatTensor quantise(FloatTensor x) {
    float[] out = new float[x.data().length];
    for (int i = 0; i < out.length; i++) {
      double v = Math.max(0, Math.min(255, Math.rint((x.data()[i] + 1) * 127.5)));
      out[i] = (float) (v / 127.5 - 1);
    }
    return FloatTensor.of(out, x.shape());
  }

  private static FloatTensor clamp(FloatTensor x) {
    float[] out = new float[x.data().length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.max(-1f, Math.min(1f, x.data()[i]));
    }
    return FloatTensor.of(out, x.shape());
  }

  /**
   * [B, 3, F, F] in [-1, 1] → [0, 1] with every kept pixel replaced by the resized source's value v/255, so that
   * quantising gives back the source bytes exactly.
   */
  private static FloatTensor pasteBack(FloatTensor generated, RgbImage src, KeepMask keep) {
    int f = keep.size();
    float[] out = ImageTensors.toUnitRange(generated.data());
    int hw = f * f;
    for (int b = 0; b < generated.rows(); b++) {
      for (int y = 0; y < f; y++) {
        for (int x = 0; x < f; x++) {
          if (!keep.keeps(x, y)) {
            continue;
          }
          for (int c = 0; c < 3; c++) {
            out[(b * 3 + c) * hw + y * f + x] = src.get(x, y, c) / 255f;
          }
        }
      }
    }
    return FloatTensor.of(out, generated.shape());
  }
}
