package dev.unclipstudio.pipeline.glide;

import dev.unclipstudio.pipeline.PipelineResult;
import dev.unclipstudio.pipeline.Stage;
import dev.unclipstudio.pipeline.StageSettings;
import dev.unclipstudio.pipeline.StepPlan;
import dev.unclipstudio.pipeline.guidance.ClassifierFreeGuidance;
import dev.unclipstudio.pipeline.guidance.GuidanceLayout;
import dev.unclipstudio.pipeline.guidance.OutputChannels;
import dev.unclipstudio.pipeline.image.BicubicResize;
import dev.unclipstudio.pipeline.image.ImageTensors;
import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.onnx.InpaintModel;
import dev.unclipstudio.pipeline.onnx.StageSteps;
import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.pipeline.sampling.Batch;
import dev.unclipstudio.pipeline.sampling.LoopSpec;
import dev.unclipstudio.pipeline.sampling.RequestContext;
import dev.unclipstudio.pipeline.sampling.ResolvedStage;
import dev.unclipstudio.pipeline.sampling.SamplingLoop;
import dev.unclipstudio.pipeline.sampling.StageOverrides;
import dev.unclipstudio.pipeline.schedule.DenoisedHook;
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import dev.unclipstudio.pipeline.text.TokenizedBatch;
import dev.unclipstudio.pipeline.text.Tokenizer;
import dev.unclipstudio.pipeline.unclip.SuperResChain;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * GLIDE-style inpainting (spec §1d): the base model samples at its own resolution with the known
 * region re-inserted into x0 before clipping at every step, guidance layout {@code [cond ;
 * uncond]}; then an inpainting upsampler if the pack has one (quantised low-res, x_T·0.997, no
 * guidance), else the super-res chain; finally the known region is pasted back at full size so it
 * equals the resized source exactly. Thread-safe.
 */
public final class InpaintPipeline {

  private static final double UPSAMPLE_TEMPERATURE = 0.997;

  private final ModelPack pack;
  private final InpaintModel base;
  private final InpaintModel upsampler;
  private final SuperResChain superRes;
  private final Tokenizer tokenizer;
  private final SamplingLoop baseLoop = new SamplingLoop();
  private final SamplingLoop upsamplerLoop = new SamplingLoop();

  /**
   * @param upsampler the pack's {@code inpaint_upsampler}, or null
   * @param superRes used when there is no inpainting upsampler; null when the base output is final
   */
  public InpaintPipeline(
      ModelPack pack, InpaintModel base, InpaintModel upsampler, SuperResChain superRes) {
    this.pack = pack;
    this.base = base;
    this.upsampler = upsampler;
    this.superRes = superRes;
    this.tokenizer = pack.tokenizerFor(ModelPack.INPAINT_BASE);
  }

  /** What every loop of one inpainting request works from. */
  private record Known(RgbImage fullSource, KeepMask keep, TokenizedBatch tokens, int batch) {}

  /**
   * One of the request's inpainting loops.
   *
   * @param temperature factor on x_T
   * @param open binds the model's calls to the loop's conditioning
   */
  private record InpaintLoop(
      Stage stage,
      ResolvedStage resolved,
      int side,
      double temperature,
      SamplingLoop loop,
      Function<InpaintModel.Conditioning, StageSteps> open) {}

  /**
   * @param keep at the pack's image size
   */
  public PipelineResult inpaint(
      RgbImage source, KeepMask keep, String prompt, StageOverrides baseSettings, Batch batch) {
    int full = pack.imageSize();
    if (keep.size() != full) {
      throw new IllegalArgumentException(
          "keep mask is "
              + keep.size()
              + " px; pack "
              + pack.name()
              + " makes "
              + full
              + " px images");
    }
    ResolvedStage baseStage =
        ResolvedStage.of(
            Stage.INPAINT_BASE,
            pack.stage(ModelPack.INPAINT_BASE),
            baseSettings,
            GuidanceLayout.COND_FIRST);
    ResolvedStage upStage =
        upsampler == null
            ? null
            : ResolvedStage.of(
                Stage.INPAINT_UPSAMPLER,
                pack.stage(ModelPack.INPAINT_UPSAMPLER),
                StageOverrides.DEFAULTS,
                GuidanceLayout.COND_FIRST);
    StepPlan plan = StepPlan.NONE.then(Stage.INPAINT_BASE, baseStage.steps());
    RequestContext request =
        batch.start(
            upStage != null
                ? plan.then(Stage.INPAINT_UPSAMPLER, upStage.steps())
                : superRes != null ? plan.then(Stage.SUPER_RES, superRes.steps()) : plan);
    // what the kept region must equal
    Known known =
        new Known(
            BicubicResize.resize(source, full, full),
            keep,
            tokenizer.tokenize(List.of(prompt, "")),
            batch.size()); // tokens [2, L']

    Map<String, FloatTensor> intermediates = new LinkedHashMap<>();
    List<StageSettings> settings = new ArrayList<>(List.of(baseStage.settings()));
    int baseSide = pack.stage(ModelPack.INPAINT_BASE).imageSize();
    FloatTensor x =
        runStage(
            new InpaintLoop(
                Stage.INPAINT_BASE,
                baseStage,
                baseSide,
                1.0,
                baseLoop,
                c -> base.steps(baseSide, c)),
            known,
            request); // [B, 3, S', S']
    intermediates.put("base_output", x);
    FloatTensor result = x;
    if (upStage != null) {
      int side = pack.stage(ModelPack.INPAINT_UPSAMPLER).imageSize();
      FloatTensor lowRes = quantise(x);
      // GLIDE's notebook samples the upsampler from x_T·0.997
      result =
          runStage(
              new InpaintLoop(
                  Stage.INPAINT_UPSAMPLER,
                  upStage,
                  side,
                  UPSAMPLE_TEMPERATURE,
                  upsamplerLoop,
                  c -> upsampler.upsamplerSteps(side, c, lowRes)),
              known,
              request);
      settings.add(upStage.settings());
    } else if (superRes != null) {
      result = superRes.run(clamp(x), request);
      settings.add(superRes.settings());
    }
    int side = (int) result.shape()[2];
    if (side != full) {
      throw new IllegalStateException(
          "pack "
              + pack.name()
              + ": inpainting produced "
              + side
              + " px images but the"
              + " pack's image size is "
              + full);
    }
    return new PipelineResult(
        pasteBack(result, known.fullSource(), keep), null, intermediates, settings);
  }

  /**
   * One inpainting diffusion loop at {@code side} px with re-insertion of the known region; the
   * source is resized on its [-1, 1] float values (antialiased bicubic, as the reference does).
   */
  private FloatTensor runStage(InpaintLoop loop, Known known, RequestContext request) {
    int side = loop.side();
    KeepMask mask =
        side <= known.keep().size()
            ? known.keep().downsample(side)
            : known.keep().upsampleNearest(side);
    float[] m = mask.toTensor().data(); // [S·S]
    RgbImage source = known.fullSource();
    float[] src =
        BicubicResize.resizePlanes(
            ImageTensors.toSigned(source).data(),
            3,
            source.height(),
            source.width(),
            side,
            side); // [3, S, S]
    float[] knownPixels = new float[src.length]; // src·m, what GLIDE feeds as inpaint_image
    int hw = side * side;
    for (int i = 0; i < knownPixels.length; i++) {
      knownPixels[i] = src[i] * m[i % hw];
    }
    int batch = known.batch();
    ClassifierFreeGuidance cfg = loop.resolved().guidance();
    int rows = cfg.rows(batch);
    TokenizedBatch tokens = known.tokens();
    int l = tokens.contextLength();
    int[] ids = new int[rows * l];
    boolean[] tokenMask = new boolean[rows * l];
    for (int r = 0; r < rows; r++) {
      int from = r < batch ? 0 : 1; // [cond × B ; uncond × B]
      System.arraycopy(tokens.ids(), from * l, ids, r * l, l);
      System.arraycopy(tokens.mask(), from * l, tokenMask, r * l, l);
    }
    InpaintModel.Conditioning conditioning =
        new InpaintModel.Conditioning(
            ids,
            tokenMask,
            FloatTensor.of(knownPixels, 1, 3, side, side).broadcastRows(rows), // [N, 3, S, S]
            FloatTensor.of(m, 1, 1, side, side).broadcastRows(rows)); // [N, 1, S, S]
    // x0 ← x0·(1 − m) + (src·m)·m, before clipping (GLIDE notebook denoised_fn)
    DenoisedHook reinsert =
        x0 -> {
          for (int i = 0; i < x0.length; i++) {
            int p = i % (3 * hw);
            double mm = m[p % hw];
            x0[i] = x0[i] * (1 - mm) + knownPixels[p] * mm;
          }
        };
    LoopSpec spec =
        LoopSpec.of(loop.stage(), loop.resolved().scheduler(), batch, 3 * hw)
            .withLearnedVariance()
            .startingScaledBy(loop.temperature())
            .rewritingX0(reinsert)
            .previewingImages(side);
    try (StageSteps steps = loop.open().apply(conditioning)) {
      return loop.loop()
          .run(
              spec, // ε ‖ v, [N, 6, S, S]
              (xt, k, t, into) ->
                  cfg.combine(
                      steps.step(xt, rows / batch, t),
                      batch,
                      OutputChannels.RGB_EPSILON_AND_VARIANCE,
                      into),
              request,
              x -> FloatTensor.fromDoubles(x, batch, 3, side, side));
    }
  }

  /**
   * round((x + 1)·127.5)/127.5 − 1: the base sample as the 8-bit image GLIDE hands to its
   * upsampler.
   */
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
   * [B, 3, F, F] in [-1, 1] → [0, 1] with every kept pixel replaced by the resized source's value
   * v/255, so that quantising gives back the source bytes exactly.
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
