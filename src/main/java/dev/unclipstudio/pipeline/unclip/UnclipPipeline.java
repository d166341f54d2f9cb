package dev.unclipstudio.pipeline.unclip;

import dev.unclipstudio.pipeline.NoiseSource;
import dev.unclipstudio.pipeline.PipelineResult;
import dev.unclipstudio.pipeline.guidance.ClassifierFreeGuidance;
import dev.unclipstudio.pipeline.guidance.GuidanceLayout;
import dev.unclipstudio.pipeline.image.ClipImagePreprocessor;
import dev.unclipstudio.pipeline.image.ImageTensors;
import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.onnx.Decoder;
import dev.unclipstudio.pipeline.onnx.ImageEncoder;
import dev.unclipstudio.pipeline.onnx.Prior;
import dev.unclipstudio.pipeline.onnx.StageSession;
import dev.unclipstudio.pipeline.onnx.TextEncoder;
import dev.unclipstudio.pipeline.onnx.TextEncoding;
import dev.unclipstudio.pipeline.onnx.TextProjection;
import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.pipeline.sampling.LoopBuffers;
import dev.unclipstudio.pipeline.sampling.Progress;
import dev.unclipstudio.pipeline.sampling.SamplingLoop;
import dev.unclipstudio.pipeline.schedule.DenoisedHook;
import dev.unclipstudio.pipeline.schedule.UnclipScheduler;
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import dev.unclipstudio.pipeline.text.TokenizedBatch;
import dev.unclipstudio.pipeline.text.Tokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Karlo-style unCLIP (spec §1a–1c, §3.10): encodePrompt → runPrior → textProjection → runDecoder → runSuperRes →
 * toImages. Guidance layout {@code [uncond ; cond]} for prior and decoder. Stateless apart from the sessions it is
 * handed (which it does not close): thread-safe.
 */
public final class UnclipPipeline {

  public static final String PRIOR = "prior";
  public static final String DECODER = "decoder";

  private final ModelPack pack;
  private final TextEncoder textEncoder;
  private final ImageEncoder imageEncoder;
  private final Prior prior;
  private final TextProjection textProj;
  private final Decoder decoder;
  private final SuperResChain superRes;
  private final Tokenizer tokenizer;
  private final float[] clipMean;
  private final float[] clipStd;
  private final float[] nullImageEmbedding;

  /**
   * @param imageEncoder null when the pack has none (variations then need an embedding)
   * @param prior null when the pack has none (text-to-image unavailable)
   * @param superRes null when the decoder output is final
   */
  public UnclipPipeline(ModelPack pack, TextEncoder textEncoder, ImageEncoder imageEncoder, Prior prior,
      TextProjection textProj, Decoder decoder, SuperResChain superRes) {
    this.pack = pack;
    this.textEncoder = textEncoder;
    this.imageEncoder = imageEncoder;
    this.prior = prior;
    this.textProj = textProj;
    this.decoder = decoder;
    this.superRes = superRes;
    this.tokenizer = pack.tokenizerFor(ModelPack.TEXT_ENCODER);
    this.clipMean = prior == null ? null : pack.sideVector(ModelPack.CLIP_MEAN);
    this.clipStd = prior == null ? null : pack.sideVector(ModelPack.CLIP_STD);
    this.nullImageEmbedding = pack.sideVector(ModelPack.NULL_IMAGE_EMBEDDING);
  }

  /**
   * Decoder settings of one request.
   *
   * @param steps null = the stage default
   * @param guidanceScale null = the stage default
   */
  public record DecoderSettings(Integer steps, Double guidanceScale) {}

  // ---------------------------------------------------------------- requests

  /** Text → image for {@code batch} images. */
  public PipelineResult textToImage(String prompt, int batch, Integer priorSteps, Double priorGuidanceScale,
      DecoderSettings decoderSettings, NoiseSource noise, Progress.Factory progressFactory) {
    if (prior == null) {
      throw new IllegalStateException("pack " + pack.name() + " has no prior stage");
    }
    UnclipScheduler priorScheduler = scheduler(ModelPack.PRIOR, priorSteps);
    UnclipScheduler decoderScheduler = scheduler(ModelPack.DECODER, decoderSettings.steps());
    Progress progress = progressFactory.create(priorScheduler.numSteps() + decoderScheduler.numSteps()
        + superResSteps());
    ClassifierFreeGuidance priorCfg = guidance(ModelPack.PRIOR, priorGuidanceScale);
    ClassifierFreeGuidance decoderCfg = guidance(ModelPack.DECODER, decoderSettings.guidanceScale());

    PromptEncoding text = encodePrompt(prompt);
    FloatTensor imageEmbeds = runPrior(text, batch, priorCfg, priorScheduler, noise, progress); // [B, C]
    Map<String, FloatTensor> intermediates = new LinkedHashMap<>();
    intermediates.put("image_embeddings", imageEmbeds);
    FloatTensor images = decodeEmbeddings(text, imageEmbeds, decoderCfg, decoderScheduler, noise, progress,
        intermediates);
    return new PipelineResult(images, imageEmbeds, intermediates);
  }

  /** Variations of an image embedding [C]: the decoder with "" text in both halves, one image per batch row. */
  public PipelineResult variations(float[] imageEmbedding, int batch, DecoderSettings decoderSettings,
      NoiseSource noise, Progress.Factory progressFactory) {
    FloatTensor embeds = FloatTensor.of(imageEmbedding.clone(), 1, imageEmbedding.length).broadcastRows(batch);
    return decode(embeds, decoderSettings, noise, progressFactory);
  }

  /**
   * Frames along the slerp between two image embeddings, θ = 0 … 1; the caller supplies the same noise for every
   * frame so only the embedding changes.
   */
  public PipelineResult interpolate(float[] embeddingA, float[] embeddingB, int frames,
      DecoderSettings decoderSettings, NoiseSource noise, Progress.Factory progressFactory) {
    return decode(path(embeddingA, embeddingB, frames, 1.0), decoderSettings, noise, progressFactory);
  }

  /**
   * A text diff (unCLIP paper §3.3): moves an image embedding towards the direction between two captions,
   * z_d = normalise(z_t(new) − z_t(current)), scaled to |z_i| (Karlo conditions on raw embeddings; the scaling is
   * our choice), frames at θ = 0 … maxTheta.
   */
  public PipelineResult textDiff(float[] imageEmbedding, String currentCaption, String newCaption, int frames,
      double maxTheta, DecoderSettings decoderSettings, NoiseSource noise, Progress.Factory progressFactory) {
    TokenizedBatch tokens = tokenizer.tokenize(List.of(currentCaption, newCaption));
    FloatTensor te = textEncoder.encode(tokens).textEmbeds(); // [2, C]
    int c = imageEmbedding.length;
    float[] diff = new float[c];
    for (int i = 0; i < c; i++) {
      diff[i] = te.data()[c + i] - te.data()[i];
    }
    double scale = Slerp.norm(imageEmbedding) / Math.max(Slerp.norm(diff), 1e-12);
    for (int i = 0; i < c; i++) {
      diff[i] *= (float) scale;
    }
    return decode(path(imageEmbedding, diff, frames, maxTheta), decoderSettings, noise, progressFactory);
  }

  /** CLIP image embedding [C] of an image (CLIP preprocessing, then the image encoder). */
  public float[] imageEmbedding(RgbImage image) {
    if (imageEncoder == null) {
      throw new IllegalStateException("pack " + pack.name() + " has no image encoder");
    }
    var clip = pack.clip();
    FloatTensor pixels = new ClipImagePreprocessor(clip.imageSize(), clip.imageMean(), clip.imageStd())
        .preprocess(image); // [1, 3, S, S]
    return imageEncoder.encode(pixels).data();
  }

  // ---------------------------------------------------------------- stages

  private PipelineResult decode(FloatTensor imageEmbeds, DecoderSettings settings, NoiseSource noise,
      Progress.Factory progressFactory) {
    UnclipScheduler decoderScheduler = scheduler(ModelPack.DECODER, settings.steps());
    Progress progress = progressFactory.create(decoderScheduler.numSteps() + superResSteps());
    PromptEncoding empty = encodePrompt("");
    Map<String, FloatTensor> intermediates = new LinkedHashMap<>();
    intermediates.put("image_embeddings", imageEmbeds);
    FloatTensor images = decodeEmbeddings(empty, imageEmbeds, guidance(ModelPack.DECODER, settings.guidanceScale()),
        decoderScheduler, noise, progress, intermediates);
    return new PipelineResult(images, imageEmbeds, intermediates);
  }

  /** Rows 0 = "" and 1 = prompt through the text encoder; expanded to the batch later. */
  PromptEncoding encodePrompt(String prompt) {
    TokenizedBatch tokens = tokenizer.tokenize(List.of("", prompt)); // [2, L]
    return PromptEncoding.of(textEncoder.encode(tokens), tokens);
  }

  /** The prior loop; returns un-normalised image embeddings z = x0·std + mean, [B, C]. */
  FloatTensor runPrior(PromptEncoding text, int batch, ClassifierFreeGuidance cfg, UnclipScheduler scheduler,
      NoiseSource noise, Progress progress) {
    int c = clipMean.length;
    TextEncoding rows = text.rows(batch, cfg.enabled()); // [N, C], [N, L, W]
    boolean[] mask = text.mask(batch, cfg.enabled(), 0); // [N, L]
    try (StageSession.Steps steps = prior.steps(rows.textEmbeds(), rows.lastHiddenState(), mask)) {
      LoopBuffers buffers = LoopBuffers.of(steps, batch * c, false);
      double[] x0 = SamplingLoop.run(PRIOR, scheduler, batch, buffers, 1.0, // [N, C] -> [B, C]
          (x, k, t) -> cfg.combine(steps.step(x, cfg.rows(batch) / batch, t), batch, 1, 1, buffers.guided()),
          DenoisedHook.NONE, noise, progress, 0);
      float[] z = new float[x0.length];
      for (int i = 0; i < z.length; i++) {
        z[i] = (float) (x0[i] * clipStd[i % c] + clipMean[i % c]);
      }
      return FloatTensor.of(z, batch, c);
    }
  }

  /** text_proj → decoder → super-res; returns [B, 3, H, W] in [0, 1]. */
  private FloatTensor decodeEmbeddings(PromptEncoding text, FloatTensor imageEmbeds, ClassifierFreeGuidance cfg,
      UnclipScheduler scheduler, NoiseSource noise, Progress progress, Map<String, FloatTensor> intermediates) {
    FloatTensor x64 = runDecoder(text, imageEmbeds, cfg, scheduler, noise, progress); // [B, 3, S, S]
    intermediates.put("decoder_output", x64);
    FloatTensor full = superRes == null ? x64 : superRes.run(x64, noise, progress); // [B, 3, U, U]
    return FloatTensor.of(ImageTensors.toUnitRange(full.data()), full.shape());
  }

  private FloatTensor runDecoder(PromptEncoding text, FloatTensor imageEmbeds, ClassifierFreeGuidance cfg,
      UnclipScheduler scheduler, NoiseSource noise, Progress progress) {
    int batch = imageEmbeds.rows();
    int c = imageEmbeds.rowSize();
    int s = pack.stage(ModelPack.DECODER).imageSize();
    TextEncoding rows = text.rows(batch, cfg.enabled());
    FloatTensor nullEmbeds = FloatTensor.of(nullImageEmbedding.clone(), 1, c).broadcastRows(batch);
    TextProjection.Conditioning cond = textProj.project(cfg.stack(nullEmbeds, imageEmbeds), rows.textEmbeds(),
        rows.lastHiddenState()); // [N, 4 + L, D], [N, E]
    boolean[] mask = text.mask(batch, cfg.enabled(), 4); // [N, 4 + L]
    int perImage = 3 * s * s;
    try (StageSession.Steps steps = decoder.steps(s, cond.encoderHiddenStates(), cond.classLabels(), mask)) {
      LoopBuffers buffers = LoopBuffers.of(steps, batch * perImage, true);
      double[] x = SamplingLoop.run(DECODER, scheduler, batch, buffers, 1.0, // ε, v of the cond half
          (xt, k, t) -> cfg.combine(steps.step(xt, cfg.rows(batch) / batch, t), batch, 6, 3, buffers.guided()),
          DenoisedHook.NONE, noise, progress, s);
      float[] clamped = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        clamped[i] = (float) Math.max(-1, Math.min(1, x[i]));
      }
      return FloatTensor.of(clamped, batch, 3, s, s);
    }
  }

  private int superResSteps() {
    return superRes == null ? 0 : superRes.steps();
  }

  private UnclipScheduler scheduler(String stage, Integer steps) {
    return UnclipScheduler.create(pack.stage(stage).scheduler().withSteps(steps));
  }

  private ClassifierFreeGuidance guidance(String stage, Double scale) {
    Double s = scale != null ? scale : pack.stage(stage).guidanceScale();
    return new ClassifierFreeGuidance(s == null ? 1.0 : s, GuidanceLayout.UNCOND_FIRST);
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
