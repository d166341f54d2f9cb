package dev.unclipstudio.pipeline;

import dev.unclipstudio.pipeline.glide.InpaintPipeline;
import dev.unclipstudio.pipeline.glide.KeepMask;
import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.onnx.Decoder;
import dev.unclipstudio.pipeline.onnx.EngineOptions;
import dev.unclipstudio.pipeline.onnx.ImageEncoder;
import dev.unclipstudio.pipeline.onnx.InpaintModel;
import dev.unclipstudio.pipeline.onnx.MemoryFit;
import dev.unclipstudio.pipeline.onnx.Prior;
import dev.unclipstudio.pipeline.onnx.TextEncoder;
import dev.unclipstudio.pipeline.onnx.Upsampler;
import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.pipeline.pack.ModelPackException;
import dev.unclipstudio.pipeline.sampling.Batch;
import dev.unclipstudio.pipeline.sampling.Progress;
import dev.unclipstudio.pipeline.unclip.SuperResChain;
import dev.unclipstudio.pipeline.unclip.UnclipPipeline;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The engine for one model pack on one device: opens every stage session once and serves requests.
 * Thread-safe: requests may run concurrently (ONNX Runtime sessions allow concurrent runs); each
 * request's noise is its own.
 */
public final class Engine implements AutoCloseable {

  private final ModelPack pack;
  private final String device;
  private final List<AutoCloseable> sessions;
  private final UnclipPipeline unclip;
  private final InpaintPipeline inpaint;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Engine(
      ModelPack pack,
      String device,
      List<AutoCloseable> sessions,
      UnclipPipeline unclip,
      InpaintPipeline inpaint) {
    this.pack = pack;
    this.device = device;
    this.sessions = sessions;
    this.unclip = unclip;
    this.inpaint = inpaint;
  }

  /**
   * Opens every stage of {@code pack}; if any fails, the ones already opened are closed again. A
   * pack may hold the unCLIP stages, the inpainting stages or both ({@link ModelPack#hasUnclip},
   * {@link ModelPack#hasInpainting}); requests for a pipeline it lacks are refused by name.
   */
  public static Engine open(ModelPack pack, EngineOptions options) throws ModelPackException {
    if (!pack.hasUnclip() && !pack.hasInpainting()) {
      throw new ModelPackException(
          "pack "
              + pack.name()
              + " has no pipeline to run: expected the unCLIP stages "
              + ModelPack.UNCLIP_STAGES
              + " or an "
              + ModelPack.INPAINT_BASE
              + " stage (stages: "
              + pack.stages().keySet()
              + ")");
    }
    if (!options.lowMemory() && options.device() == EngineOptions.Device.CPU) {
      MemoryFit.check(pack, MemoryFit.available());
    }
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      SuperResChain superRes = null;
      if (pack.hasStage(ModelPack.SUPER_RES_FIRST)) {
        Upsampler first =
            track(opened, Upsampler.open(pack.stage(ModelPack.SUPER_RES_FIRST), options));
        Upsampler last = first;
        if (pack.hasStage(ModelPack.SUPER_RES_LAST)
            && !pack.stage(ModelPack.SUPER_RES_LAST)
                .file()
                .equals(pack.stage(ModelPack.SUPER_RES_FIRST).file())) {
          last = track(opened, Upsampler.open(pack.stage(ModelPack.SUPER_RES_LAST), options));
        }
        superRes = new SuperResChain(pack, first, last);
      }
      String device = null;
      UnclipPipeline unclip = null;
      if (pack.hasUnclip()) {
        TextEncoder textEncoder =
            track(opened, TextEncoder.open(pack.stage(ModelPack.TEXT_ENCODER), options));
        device = textEncoder.device();
        ImageEncoder imageEncoder =
            pack.hasImageEncoder()
                ? track(opened, ImageEncoder.open(pack.stage(ModelPack.IMAGE_ENCODER), options))
                : null;
        Prior prior =
            pack.hasStage(ModelPack.PRIOR)
                ? track(opened, Prior.open(pack.stage(ModelPack.PRIOR), options))
                : null;
        Decoder decoder = track(opened, Decoder.open(pack.stage(ModelPack.DECODER), options));
        unclip =
            new UnclipPipeline(
                pack,
                new UnclipPipeline.Stages(textEncoder, imageEncoder, prior, decoder, superRes));
      }
      InpaintPipeline inpaint = null;
      if (pack.hasInpainting()) {
        InpaintModel base =
            track(opened, InpaintModel.open(pack.stage(ModelPack.INPAINT_BASE), options));
        device = device != null ? device : base.device();
        InpaintModel up =
            pack.hasStage(ModelPack.INPAINT_UPSAMPLER)
                ? track(opened, InpaintModel.open(pack.stage(ModelPack.INPAINT_UPSAMPLER), options))
                : null;
        inpaint = new InpaintPipeline(pack, base, up, superRes);
      }
      return new Engine(pack, device, Collections.unmodifiableList(opened), unclip, inpaint);
    } catch (ModelPackException | RuntimeException e) {
      closeAll(opened, e);
      throw e;
    }
  }

  private static <T extends AutoCloseable> T track(List<AutoCloseable> opened, T session) {
    opened.add(session);
    return session;
  }

  public ModelPack pack() {
    return pack;
  }

  /**
   * "cpu" or "cuda:N": where the sessions actually run (CUDA falls back to CPU when unavailable).
   */
  public String device() {
    return device;
  }

  /**
   * The unCLIP pipeline itself, for callers that inject their own noise (tests, tools).
   *
   * @throws UnsupportedOperationException when the pack has no unCLIP stages
   */
  public UnclipPipeline unclipPipeline() {
    if (unclip == null) {
      throw new UnsupportedOperationException(
          "pack "
              + pack.name()
              + " has no unCLIP stages ("
              + String.join(", ", ModelPack.UNCLIP_STAGES)
              + "): it cannot make images from a prompt, variations or interpolations"
              + (inpaint != null ? "; it does inpainting only" : ""));
    }
    return unclip;
  }

  /**
   * The inpainting pipeline.
   *
   * @throws UnsupportedOperationException when the pack has no inpainting stage
   */
  public InpaintPipeline inpaintPipeline() {
    if (inpaint == null) {
      throw new UnsupportedOperationException(
          "pack "
              + pack.name()
              + " has no inpainting stage ("
              + ModelPack.INPAINT_BASE
              + "): it cannot inpaint");
    }
    return inpaint;
  }

  public List<GeneratedImage> textToImage(
      TextToImageRequest r, StepListener l, CancellationToken c) {
    return textToImage(TextToImageBatch.of(r, l, c)).get(0);
  }

  /**
   * Runs several requests as one batch; returns each request's images, in request order, exactly as
   * it would get them alone. A cancelled request's images are made with the others; the batch stops
   * ({@link CancelledException}) only once every request is cancelled.
   */
  public List<List<GeneratedImage>> textToImage(TextToImageBatch requests) {
    List<Long> seeds = requests.seeds();
    List<Progress.Member> progress = new ArrayList<>();
    int first = 0;
    for (TextToImageBatch.Member m : requests.members()) {
      progress.add(new Progress.Member(m.listener(), m.cancellation(), first));
      first += m.request().seeds().size();
    }
    Batch batch = new Batch(seeds.size(), new SeededNoise(seeds), Progress.Factory.of(progress));
    List<GeneratedImage> images =
        unclipPipeline()
            .textToImage(requests.prompts(), requests.prior(), requests.decoder(), batch)
            .toGeneratedImages(seeds);
    List<List<GeneratedImage>> perRequest = new ArrayList<>();
    int from = 0;
    for (TextToImageBatch.Member m : requests.members()) {
      int to = from + m.request().seeds().size();
      perRequest.add(List.copyOf(images.subList(from, to)));
      from = to;
    }
    return perRequest;
  }

  public List<GeneratedImage> variations(VariationRequest r, StepListener l, CancellationToken c) {
    float[] embedding =
        r.sourceEmbedding() != null
            ? checkedEmbedding(r.sourceEmbedding())
            : imageEmbedding(r.source());
    return unclipPipeline()
        .variations(embedding, r.decoder(), batch(r.seeds(), l, c))
        .toGeneratedImages(r.seeds());
  }

  /** Every frame uses the request's one seed, so all frames start from the same noise. */
  public List<GeneratedImage> interpolate(
      InterpolationRequest r, StepListener l, CancellationToken c) {
    List<Long> seeds = Collections.nCopies(r.frames(), r.seed());
    return unclipPipeline()
        .interpolate(
            checkedEmbedding(r.embeddingA()),
            checkedEmbedding(r.embeddingB()),
            r.decoder(),
            batch(seeds, l, c))
        .toGeneratedImages(seeds);
  }

  /**
   * The mask is read by the one rule for painted masks ({@link KeepMask#fromPainted}) at the pack's
   * size.
   */
  public List<GeneratedImage> inpaint(InpaintRequest r, StepListener l, CancellationToken c) {
    KeepMask keep = KeepMask.fromPainted(r.paintedMask(), pack.imageSize());
    return inpaintPipeline()
        .inpaint(r.source(), keep, r.prompt(), r.base(), batch(r.seeds(), l, c))
        .toGeneratedImages(r.seeds());
  }

  private static Batch batch(
      List<Long> seeds, StepListener listener, CancellationToken cancellation) {
    return new Batch(
        seeds.size(), new SeededNoise(seeds), Progress.Factory.of(listener, cancellation));
  }

  /** CLIP image embedding of an image of any size. */
  public float[] imageEmbedding(RgbImage image) {
    return unclipPipeline().imageEmbedding(image);
  }

  private float[] checkedEmbedding(float[] embedding) {
    int expected = pack.clip().embedDim();
    if (embedding.length != expected) {
      throw new IllegalArgumentException(
          "image embedding has "
              + embedding.length
              + " values; pack "
              + pack.name()
              + " uses "
              + expected);
    }
    return embedding;
  }

  /** Closes every session, even when some fail to close; later calls do nothing. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closeAll(sessions, null);
    }
  }

  private static void closeAll(List<AutoCloseable> opened, Exception primary) {
    RuntimeException failure = null;
    for (int i = opened.size() - 1; i >= 0; i--) {
      try {
        opened.get(i).close();
      } catch (Exception e) {
        if (primary != null) {
          primary.addSuppressed(e);
        } else if (failure == null) {
          failure = new IllegalStateException("closing engine sessions failed", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
