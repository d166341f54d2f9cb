package dev.unclipstudio.pipeline;

import dev.unclipstudio.pipeline.sampling.StageOverrides;

/**
 * Frames along the spherical path between two CLIP image embeddings, all decoded from the same
 * noise.
 */
public record InterpolationRequest(
    float[] embeddingA, float[] embeddingB, int frames, long seed, StageOverrides decoder) {

  public InterpolationRequest {
    if (embeddingA == null || embeddingB == null) {
      throw new IllegalArgumentException("both embeddings are needed");
    }
    if (embeddingA.length != embeddingB.length) {
      throw new IllegalArgumentException(
          "embeddings differ in length: " + embeddingA.length + " vs " + embeddingB.length);
    }
    if (frames < 2) {
      throw new IllegalArgumentException("frames must be at least 2: " + frames);
    }
    decoder = decoder == null ? StageOverrides.DEFAULTS : decoder;
  }
}
