package dev.unclipstudio.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unclipstudio.job.ClaimedJob;
import dev.unclipstudio.job.JobInputs;
import dev.unclipstudio.job.JobKind;
import dev.unclipstudio.job.JobParams;
import dev.unclipstudio.job.ResultImage;
import dev.unclipstudio.pipeline.CancellationToken;
import dev.unclipstudio.pipeline.Engine;
import dev.unclipstudio.pipeline.GeneratedImage;
import dev.unclipstudio.pipeline.InpaintRequest;
import dev.unclipstudio.pipeline.InterpolationRequest;
import dev.unclipstudio.pipeline.StepListener;
import dev.unclipstudio.pipeline.TextToImageRequest;
import dev.unclipstudio.pipeline.VariationRequest;
import dev.unclipstudio.pipeline.image.ImageDecoder;
import dev.unclipstudio.pipeline.image.ImageLimits;
import dev.unclipstudio.pipeline.image.InvalidImageException;
import dev.unclipstudio.pipeline.image.PngCodec;
import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.pack.ModelPack;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs one claimed job on an engine and turns its images into rows: PNG with parameters, thumbnail, embedding. */
final class JobRunner {

  private final ObjectMapper json;
  private final Thumbnails thumbnails;
  private final JobInputs inputs;

  JobRunner(ObjectMapper json, Thumbnails thumbnails, JobInputs inputs) {
    this.json = json;
    this.thumbnails = thumbnails;
    this.inputs = inputs;
  }

  List<ResultImage> run(ClaimedJob job, Engine engine, StepListener listener, CancellationToken cancel) {
    JobParams p = job.params();
    List<GeneratedImage> images = switch (job.kind()) {
      case TEXT_TO_IMAGE -> engine.textToImage(new TextToImageRequest(p.prompt(), p.seeds(), p.priorSteps(),
          p.priorGuidanceScale(), p.decoderSteps(), p.decoderGuidanceScale()), listener, cancel);
      case VARIATION -> engine.variations(variationOf(job), listener, cancel);
      case INTERPOLATION -> engine.interpolate(new InterpolationRequest(embeddingOf(engine, p.sourceImageIds().get(0)),
          embeddingOf(engine, p.sourceImageIds().get(1)), p.frames(), p.seeds().get(0), p.decoderSteps(),
          p.decoderGuidanceScale()), listener, cancel);
      case INPAINT -> engine.inpaint(inpaintOf(job, engine.pack()), listener, cancel);
    };
    List<ResultImage> results = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      GeneratedImage image = images.get(i);
      Map<String, String> text = pngText(job, engine.pack(), image.seed(), i);
      byte[] png = PngCodec.encode(image.image(), text);
      results.add(new ResultImage(i, image.seed(), image.image().width(), image.image().height(), toJson(text),
          p.sourceImageId(), image.imageEmbedding(), png, thumbnails.of(image.image())));
    }
    return results;
  }

  private VariationRequest variationOf(ClaimedJob job) {
    JobParams p = job.params();
    Long sourceId = p.sourceImageId();
    float[] embedding = sourceId == null ? null : inputs.embedding(sourceId);
    RgbImage source = embedding != null ? null : sourceImage(job);
    return new VariationRequest(source, embedding, p.seeds(), p.decoderSteps(), p.decoderGuidanceScale());
  }

  private InpaintRequest inpaintOf(ClaimedJob job, ModelPack pack) {
    JobParams p = job.params();
    RgbImage mask = decode(inputs.input(job.lease().jobId(), "mask"), "mask");
    return new InpaintRequest(sourceImage(job), Masks.keepMask(mask, pack.imageSize()), p.prompt(), p.seeds(),
        p.inpaintSteps(), p.inpaintGuidanceScale());
  }

  /** The gallery image the job names, else its uploaded "source" input. */
  private RgbImage sourceImage(ClaimedJob job) {
    Long sourceId = job.params().sourceImageId();
    byte[] png = sourceId != null ? inputs.imagePng(sourceId) : inputs.input(job.lease().jobId(), "source");
    return decode(png, "source image");
  }

  private float[] embeddingOf(Engine engine, long imageId) {
    float[] embedding = inputs.embedding(imageId);
    return embedding != null ? embedding : engine.imageEmbedding(decode(inputs.imagePng(imageId), "image " + imageId));
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

  /** Everything needed to make the image again, stored in the PNG and with the image row. */
  private static Map<String, String> pngText(ClaimedJob job, ModelPack pack, long seed, int index) {
    JobParams p = job.params();
    Map<String, String> text = new LinkedHashMap<>();
    if (p.prompt() != null && !p.prompt().isEmpty()) {
      text.put("prompt", p.prompt());
    }
    text.put("kind", job.kind().name());
    text.put("seed", Long.toString(seed));
    switch (job.kind()) {
      case TEXT_TO_IMAGE -> {
        text.put("prior_steps", String.valueOf(or(p.priorSteps(), pack.priorSteps())));
        text.put("prior_guidance_scale", String.valueOf(or(p.priorGuidanceScale(), pack.priorGuidanceScale())));
        putDecoder(text, p, pack);
      }
      case VARIATION -> putDecoder(text, p, pack);
      case INTERPOLATION -> {
        putDecoder(text, p, pack);
        text.put("frame", (index + 1) + " of " + p.frames());
      }
      case INPAINT -> {
        text.put("inpaint_steps", String.valueOf(or(p.inpaintSteps(), pack.inpaintSteps())));
        text.put("inpaint_guidance_scale", String.valueOf(or(p.inpaintGuidanceScale(), pack.inpaintGuidanceScale())));
      }
    }
    if (p.sourceImageIds() != null) {
      text.put("source_images", p.sourceImageIds().toString());
    }
    text.put("pack", pack.name() + " " + pack.version());
    text.put("software", "Unclip Studio");
    return text;
  }

  private static void putDecoder(Map<String, String> text, JobParams p, ModelPack pack) {
    text.put("decoder_steps", String.valueOf(or(p.decoderSteps(), pack.decoderSteps())));
    text.put("decoder_guidance_scale", String.valueOf(or(p.decoderGuidanceScale(), pack.decoderGuidanceScale())));
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }

  private String toJson(Map<String, String> text) {
    try {
      return json.writeValueAsString(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
