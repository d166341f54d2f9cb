package dev.unclipstudio.pipeline.unclip;

import dev.unclipstudio.pipeline.PipelineResult;
import dev.unclipstudio.pipeline.Stage;
import dev.unclipstudio.pipeline.StageSettings;
import dev.unclipstudio.pipeline.StepPlan;
import dev.unclipstudio.pipeline.guidance.ClassifierFreeGuidance;
import dev.unclipstudio.pipeline.guidance.GuidanceLayout;
import dev.unclipstudio.pipeline.guidance.OutputChannels;
import dev.unclipstudio.pipeline.image.ImageTensors;
import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.onnx.Decoder;
import dev.unclipstudio.pipeline.onnx.ImageEncoder;
import dev.unclipstudio.pipeline.onnx.Prior;
import dev.unclipstudio.pipeline.onnx.StageSteps;
import dev.unclipstudio.pipeline.onnx.TextEncoder;
import dev.unclipstudio.pipeline.onnx.TextEncoding;
import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.pipeline.sampling.Batch;
import dev.unclipstudio.pipeline.sampling.LoopSpec;
import dev.unclipstudio.pipeline.sampling.RequestContext;
import dev.unclipstudio.pipeline.sampling.ResolvedStage;
import dev.unclipstudio.pipeline.sampling.SamplingLoop;
import dev.unclipstudio.pipeline.sampling.StageOverrides;
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import dev.unclipstudio.pipeline.text.TokenizedBatch;
import dev.unclipstudio.pipeline.text.Tokenizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Karlo-style unCLIP (spec §1a–1c, §3.10): encodePrompt → runPrior → runDecoder → runSuperRes →
 * toImages. Guidance layout {@code [uncond ; cond]} for prior and decoder. Stateless apart from the
 * sessions it is handed (which it does not close) and the loops' reusable buffers: thread-safe.
 */
public final class UnclipPipeline {

  /** The pack's stages this pipeline samples with. */
  public record Stages(
      TextEncoder textEncoder,
      ImageEncoder imageEncoder,
      Prior prior,
      Decoder decoder,
      SuperResChain superRes) {}

  private final ModelPack pack;
  private final Stages stages;
  private final Tokenizer tokenizer;
  private final float[] clipMean;
  private final float[] clipStd;
  private final float[] nullImageEmbedding;
  private final SamplingLoop priorLoop = new SamplingLoop();
  private final SamplingLoop decoderLoop = new SamplingLoop();

  /**
   * @param stages the image encoder is null when the pack has none (variations then need an
   *     embedding), the prior null when the pack has none (no text-to-image), super-res null when
   *     the decoder output is final
   */
  public UnclipPipeline(ModelPack pack, Stages stages) {
    this.pack = pack;
    this.stages = stages;
    this.tokenizer = pack.tokenizerFor(ModelPack.TEXT_ENCODER);
    this.clipMean = stages.prior() == null ? null : pack.sideVector(ModelPack.CLIP_MEAN);
    this.clipStd = stages.prior() == null ? null : pack.sideVector(ModelPack.CLIP_STD);
    this.nullImageEmbedding = pack.sideVector(ModelPack.NULL_IMAGE_EMBEDDING);
  }

  // ---------------------------------------------------------------- requests

  /** Text → image for the batch's images. */
  public PipelineResult textToImage(
      String prompt, StageOverrides priorSettings, StageOverrides decoderSettings, Batch batch) {
    return textToImage(
        Collections.nCopies(batch.size(), prompt), priorSettings, decoderSettings, batch);
  }

  /**
   * Text → image with a prompt per image (a batch of several requests). Each distinct prompt goes
   * through the text encoder on its own, as {@code ["", prompt]} exactly as its request alone
   * would, so no image depends on the other prompts of its batch.
   */
  public PipelineResult textToImage(
      List<String> promptOfImage,
      StageOverrides priorSettings,
      StageOverrides decoderSettings,
      Batch batch) {
    if (stages.prior() == null) {
      throw new IllegalStateException("pack " + pack.name() + " has no prior stage");
    }
    if (promptOfImage.size() != batch.size()) {
      throw new IllegalArgumentException(
          promptOfImage.size() + " prompts for a batch of " + batch.size() + " images");
    }
    ResolvedStage prior = resolve(Stage.PRIOR, ModelPack.PRIOR, priorSettings);
    ResolvedStage decoder = resolve(Stage.DECODER, ModelPack.DECODER, decoderSettings);
    RequestContext request =
        batch.start(
            StepPlan.NONE
                .then(Stage.PRIOR, prior.steps())
                .then(Stage.DECODER, decoder.steps())
                .then(Stage.SUPER_RES, superResSteps()));

    Map<String, PromptEncoding> encoded = new HashMap<>();
    ImagePrompts text =
        new ImagePrompts(
            promptOfImage.stream()
                .map(p -> encoded.computeIfAbsent(p, this::encodePrompt))
                .toList());
    FloatTensor imageEmbeds = runPrior(text, prior, request); // [B, C]
    return decodeEmbeddings(text, imageEmbeds, decoder, request, List.of(prior.settings()));
  }

  /**
   * Variations of an image embedding [C]: the decoder with "" text in both halves, one image per
   * batch row.
   */
  public PipelineResult variations(
      float[] imageEmbedding, StageOverrides decoderSettings, Batch batch) {
    FloatTensor embeds =
        FloatTensor.of(imageEmbedding.clone(), 1, imageEmbedding.length)
            .broadcastRows(batch.size());
    return decode(embeds, decoderSettings, batch);
  }

  /**
   * Frames along the slerp between two image embeddings, θ = 0 … 1, one frame per batch image; the
   * caller supplies the same noise for every frame so only the embedding changes.
   */
  public PipelineResult interpolate(
      float[] embeddingA, float[] embeddingB, StageOverrides decoderSettings, Batch batch) {
    return decode(path(embeddingA, embeddingB, batch.size(), 1.0), decoderSettings, batch);
  }

  /** A text diff: from an image embedding towards the change between two captions. */
  public record TextDiff(
      float[] imageEmbedding, String currentCaption, String newCaption, double maxTheta) {}

  /**
   * A text diff (unCLIP paper §3.3): moves an image embedding towards the direction between two
   * captions, z_d = normalise(z_t(new) − z_t(current)), scaled to |z_i| (Karlo conditions on raw
   * embeddings; the scaling is our choice), frames at θ = 0 … maxTheta, one per batch image.
   */
  public PipelineResult textDiff(
      TextDiff diffRequest, StageOverrides decoderSettings, Batch batch) {
    TokenizedBatch tokens =
        tokenizer.tokenize(List.of(diffRequest.currentCaption(), diffRequest.newCaption()));
    FloatTensor te = stages.textEncoder().encode(tokens).textEmbeds(); // [2, C]
    float[] imageEmbedding = diffRequest.imageEmbedding();
    int c = imageEmbedding.length;
    float[] diff = new float[c];
    for (int i = 0; i < c; i++) {
      diff[i] = te.data()[c + i] - te.data()[i];
    }
    double scale = Slerp.norm(imageEmbedding) / Math.max(Slerp.norm(diff), 1e-12);
    for (int i = 0; i < c; i++) {
      diff[i] *= (float) scale;
    }
    return decode(
        path(imageEmbedding, diff, batch.size(), diffRequest.maxTheta()), decoderSettings, batch);
  }

  /** CLIP image embedding [C] of an image (CLIP preprocessing, then the image encoder). */
  public float[] imageEmbedding(RgbImage image) {
    if (stages.imageEncoder() == null) {
      throw new IllegalStateException("pack " + pack.name() + " has no image encoder");
    }
    FloatTensor pixels = pack.clip().preprocessor().preprocess(image); // [1, 3, S, S]
    return stages.imageEncoder().encode(pixels).data();
  }

  // ---------------------------------------------------------------- stages

  private PipelineResult decode(FloatTensor imageEmbeds, StageOverrides settings, Batch batch) {
    ResolvedStage decoder = resolve(Stage.DECODER, ModelPack.DECODER, settings);
    RequestContext request =
        batch.start(
            StepPlan.NONE
                .then(Stage.DECODER, decoder.steps())
                .then(Stage.SUPER_RES, superResSteps()));
    return decodeEmbeddings(
        ImagePrompts.same(encodePrompt(""), imageEmbeds.rows()),
        imageEmbeds,
        decoder,
        request,
        List.of());
  }

  /** Rows 0 = "" and 1 = prompt through the text encoder; expanded to the batch later. */
  private PromptEncoding encodePrompt(String prompt) {
    TokenizedBatch tokens = tokenizer.tokenize(List.of("", prompt)); // [2, L]
    return PromptEncoding.of(stages.textEncoder().encode(tokens), tokens);
  }

  /** The prior loop; returns un-normalised image embeddings z = x0·std + mean, [B, C]. */
  private FloatTensor runPrior(ImagePrompts text, ResolvedStage prior, RequestContext request) {
    int batch = text.batch();
    int c = clipMean.length;
    ClassifierFreeGuidance cfg = prior.guidance();
    TextEncoding rows = text.rows(cfg.enabled()); // [N, C], [N, L, W]
    boolean[] mask = text.mask(cfg.enabled()); // [N, L]
    try (StageSteps steps = stages.prior().steps(rows.textEmbeds(), rows.lastHiddenState(), mask)) {
      LoopSpec spec = LoopSpec.of(Stage.PRIOR, prior.scheduler(), batch, c);
      return priorLoop.run(
          spec, // [N, C] -> [B, C]
          steps.guidedBy(cfg, batch, OutputChannels.PREDICTION_ONLY),
          request,
          x0 -> {
            float[] z = new float[x0.length];
            for (int i = 0; i < z.length; i++) {
              z[i] = (float) (x0[i] * clipStd[i % c] + clipMean[i % c]);
            }
            return FloatTensor.of(z, batch, c);
          });
    }
  }

  /** decoder → super-res; the images [B, 3, H, W] in [0, 1] with what made them. */
  private PipelineResult decodeEmbeddings(
      ImagePrompts text,
      FloatTensor imageEmbeds,
      ResolvedStage decoder,
      RequestContext request,
      List<StageSettings> earlier) {
    Map<String, FloatTensor> intermediates = new LinkedHashMap<>();
    intermediates.put("image_embeddings", imageEmbeds);
    FloatTensor x64 = runDecoder(text, imageEmbeds, decoder, request); // [B, 3, S, S]
    intermediates.put("decoder_output", x64);
    List<StageSettings> settings = new ArrayList<>(earlier);
    settings.add(decoder.settings());
    FloatTensor full = x64;
    if (stages.superRes() != null) {
      full = stages.superRes().run(x64, request); // [B, 3, U, U]
      settings.add(stages.superRes().settings());
    }
    FloatTensor images = FloatTensor.of(ImageTensors.toUnitRange(full.data()), full.shape());
    return new PipelineResult(images, imageEmbeds, intermediates, settings);
  }

  private FloatTensor runDecoder(
      ImagePrompts text, FloatTensor imageEmbeds, ResolvedStage decoder, RequestContext request) {
    int batch = imageEmbeds.rows();
    int c = imageEmbeds.rowSize();
    int s = pack.stage(ModelPack.DECODER).imageSize();
    ClassifierFreeGuidance cfg = decoder.guidance();
    TextEncoding rows = text.rows(cfg.enabled());
    FloatTensor nullEmbeds = FloatTensor.of(nullImageEmbedding.clone(), 1, c).broadcastRows(batch);
    Decoder.Conditioning cond =
        new Decoder.Conditioning(
            cfg.stack(nullEmbeds, imageEmbeds),
            rows.textEmbeds(),
            rows.lastHiddenState(),
            text.mask(cfg.enabled()));
    try (StageSteps steps = stages.decoder().steps(s, cond)) {
      LoopSpec spec =
          LoopSpec.of(Stage.DECODER, decoder.scheduler(), batch, 3 * s * s)
              .withLearnedVariance()
              .previewingImages(s);
      return decoderLoop.run(
          spec, // ε, v of the cond half
          steps.guidedBy(cfg, batch, OutputChannels.RGB_EPSILON_AND_VARIANCE),
          request,
          x -> {
            float[] clamped = new float[x.length];
            for (int i = 0; i < x.length; i++) {
              clamped[i] = (float) Math.max(-1, Math.min(1, x[i]));
            }
            return FloatTensor.of(clamped, batch, 3, s, s);
          });
    }
  }

  private int superResSteps() {
    return stages.superRes() == null ? 0 : stages.superRes().steps();
  }

  private ResolvedStage resolve(Stage stage, String packStage, StageOverrides overrides) {
    return ResolvedStage.of(stage, pack.stage(packStage), overrides, GuidanceLayout.UNCOND_FIRST);
  }

  private static FloatTensor path(float[] a, float[] b, int frames, double maxTheta) {
    List<float[]> rows = new ArrayList<>();
    for (int k = 0; k < frames; k++) {
      rows.add(Slerp.slerp(a, b, maxTheta * k / (frames - 1)));
    }
    float[] data = new float[frames * a.length];
    for (int k = 0; k < frames; k++) {
      System.arraycopy(rows.get(k), 0, data, k * a.length, a.length);
    }
    return FloatTensor.of(data, frames, a.length);
  }
}
