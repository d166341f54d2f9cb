package dev.unclipstudio.pipeline;

import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.sampling.StageOverrides;
import java.util.List;

/**
 * Variations of an image, given as the image or as its CLIP image embedding (exactly one of the
 * two).
 */
public record VariationRequest(
    RgbImage source, float[] sourceEmbedding, List<Long> seeds, StageOverrides decoder) {

  public VariationRequest {
    if ((source == null) == (sourceEmbedding == null)) {
      throw new IllegalArgumentException("give either a source image or a source embedding");
    }
    seeds = RequestChecks.seeds(seeds);
    decoder = decoder == null ? StageOverrides.DEFAULTS : decoder;
  }
}
