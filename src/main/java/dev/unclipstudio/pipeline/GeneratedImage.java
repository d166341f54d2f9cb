package dev.unclipstudio.pipeline;

import dev.unclipstudio.pipeline.image.RgbImage;
import java.util.List;

/**
 * One result image.
 *
 * @param seed the seed its noise came from
 * @param imageEmbedding the CLIP image embedding it was decoded from (null for inpainting)
 * @param settings every stage it went through, in order, with the settings used
 */
public record GeneratedImage(
    RgbImage image, long seed, float[] imageEmbedding, List<StageSettings> settings) {

  public GeneratedImage {
    settings = List.copyOf(settings);
  }
}
