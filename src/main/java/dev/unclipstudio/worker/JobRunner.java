package dev.unclipstudio.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unclipstudio.job.ClaimedJob;
import dev.unclipstudio.job.JobInputs;
import dev.unclipstudio.job.JobParams;
import dev.unclipstudio.job.ResultImage;
import dev.unclipstudio.pipeline.CancellationToken;
import dev.unclipstudio.pipeline.Engine;
import dev.unclipstudio.pipeline.GeneratedImage;
import dev.unclipstudio.pipeline.ImageMetadata;
import dev.unclipstudio.pipeline.InpaintRequest;
import dev.unclipstudio.pipeline.InterpolationRequest;
import dev.unclipstudio.pipeline.RequestKind;
import dev.unclipstudio.pipeline.StepListener;
import dev.unclipstudio.pipeline.TextToImageBatch;
import dev.unclipstudio.pipeline.TextToImageRequest;
import dev.unclipstudio.pipeline.VariationRequest;
import dev.unclipstudio.pipeline.image.ImageDecoder;
import dev.unclipstudio.pipeline.image.ImageLimits;
import dev.unclipstudio.pipeline.image.InvalidImageException;
import dev.unclipstudio.pipeline.image.PngCodec;
import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.sampling.StageOverrides;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one claimed job, or a batch of them, on an engine and turns their images into rows: PNG with
 * parameters, thumbnail, embedding.
 */
final class JobRunner {

  private final ObjectMapper json;
  private final Thumbnails thumbnails;
  private final JobInputs inputs;

  JobRunner(ObjectMapper json, Thumbnails thumbnails, JobInputs inputs) {
    this.json = json;
    this.thumbnails = thumbnails;
    this.inputs = inputs;
  }

  List<ResultImage> run(
      ClaimedJob job, Engine engine, StepListener listener, CancellationToken cancel) {
    JobParams p = job.params();
    StageOverrides decoder = new StageOverrides(p.decoderSteps(), p.decoderGuidanceScale());
    List<GeneratedImage> images =
        switch (job.kind()) {
          case TEXT_TO_IMAGE -> engine.textToImage(textToImageOf(job), listener, cancel);
          case VARIATION -> engine.variations(variationOf(job, decoder), listener, cancel);
          case INTERPOLATION ->
              engine.interpolate(
                  new InterpolationRequest(
                      embeddingOf(job, engine, p.sourceImageIds().get(0)),
                      embeddingOf(job, engine, p.sourceImageIds().get(1)),
                      p.frames(),
                      p.seeds().get(0),
                      decoder),
                  listener,
                  cancel);
          case INPAINT -> engine.inpaint(inpaintOf(job), listener, cancel);
        };
    return results(job, engine, images);
  }

  /**
   * Runs text-to-image jobs that a claim took together ({@link
   * dev.unclipstudio.job.JobQueue#claimBatch}) as one engine batch; each job's images, in job
   * order, exactly as the job alone would get them. Turn them into rows with {@link #results}.
   */
  List<List<GeneratedImage>> runBatch(
      List<ClaimedJob> jobs,
      Engine engine,
      List<? extends StepListener> listeners,
      List<? extends CancellationToken> cancels) {
    List<TextToImageBatch.Member> members = new ArrayList<>();
    for (int i = 0; i < jobs.size(); i++) {
      members.add(
          new TextToImageBatch.Member(
              textToImageOf(jobs.get(i)), listeners.get(i), cancels.get(i)));
    }
    return engine.textToImage(new TextToImageBatch(members));
  }

  /** A job's images as rows: PNG with its parameters, thumbnail, embedding. */
  List<ResultImage> results(ClaimedJob job, Engine engine, List<GeneratedImage> images) {
    List<Map<String, String>> texts = ImageMetadata.of(origin(job), images, engine.pack());
    List<ResultImage> results = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      GeneratedImage image = images.get(i);
      Map<String, String> text = texts.get(i);
      byte[] png = PngCodec.encode(image.image(), text);
      results.add(
          new ResultImage(
              i,
              image.seed(),
              image.image().width(),
              image.image().height(),
              toJson(text),
              job.params().sourceImageId(),
              image.imageEmbedding(),
              png,
              thumbnails.of(image.image())));
    }
    return results;
  }

  private static TextToImageRequest textToImageOf(ClaimedJob job) {
    JobParams p = job.params();
    return new TextToImageRequest(
        p.prompt(),
        p.seeds(),
        new StageOverrides(p.priorSteps(), p.priorGuidanceScale()),
        new StageOverrides(p.decoderSteps(), p.decoderGuidanceScale()));
  }

  private static ImageMetadata.Origin origin(ClaimedJob job) {
    JobParams p = job.params();
    RequestKind kind =
        switch (job.kind()) {
          case TEXT_TO_IMAGE -> RequestKind.TEXT_TO_IMAGE;
          case VARIATION -> RequestKind.VARIATION;
          case INTERPOLATION -> RequestKind.INTERPOLATION;
          case INPAINT -> RequestKind.INPAINT;
        };
    List<String> sources =
        p.sourceImageIds() == null
            ? List.of()
            : p.sourceImageIds().stream().map(String::valueOf).toList();
    return new ImageMetadata.Origin(kind, p.prompt(), sources);
  }

  private VariationRequest variationOf(ClaimedJob job, StageOverrides decoder) {
    JobParams p = job.params();
    Long sourceId = p.sourceImageId();
    float[] embedding = sourceId == null ? null : inputs.embedding(sourceId, job.pack());
    RgbImage source = embedding != null ? null : sourceImage(job);
    return new VariationRequest(source, embedding, p.seeds(), decoder);
  }

  private InpaintRequest inpaintOf(ClaimedJob job) {
    JobParams p = job.params();
    RgbImage mask = decode(inputs.input(job.lease().jobId(), "mask"), "mask");
    return new InpaintRequest(
        sourceImage(job),
        mask,
        p.prompt(),
        p.seeds(),
        new StageOverrides(p.inpaintSteps(), p.inpaintGuidanceScale()));
  }

  /** The gallery image the job names, else its uploaded "source" input. */
  private RgbImage sourceImage(ClaimedJob job) {
    Long sourceId = job.params().sourceImageId();
    byte[] png =
        sourceId != null ? inputs.imagePng(sourceId) : inputs.input(job.lease().jobId(), "source");
    return decode(png, "source image");
  }

  private float[] embeddingOf(ClaimedJob job, Engine engine, long imageId) {
    float[] embedding = inputs.embedding(imageId, job.pack());
    return embedding != null
        ? embedding
        : engine.imageEmbedding(decode(inputs.imagePng(imageId), "image " + imageId));
  }

  private static RgbImage decode(byte[] png, String what) {
    if (png == null) {
      throw new IllegalStateException("The " + what + " of this job no longer exists.");
    }
    try {
      return ImageDecoder.decode(png, ImageLimits.defaults());
    } catch (InvalidImageException e) {
      throw new IllegalStateException("The " + what + " cannot be read: " + e.getMessage(), e);
    }
  }

  private String toJson(Map<String, String> text) {
    try {
      return json.writeValueAsString(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
