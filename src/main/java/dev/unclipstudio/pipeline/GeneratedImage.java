package dev.unclipstudio.pipeline;

import dev.unclipstudio.pipeline.image.RgbImage;

/**
 * One result image.
 *
 * @param seed the seed its noise came from
 * @param imageEmbedding the CLIP image embedding it was decoded from (null for inpainting)
 */
public record GeneratedImage(RgbImage image, long seed, float[] imageEmbedding) {}
