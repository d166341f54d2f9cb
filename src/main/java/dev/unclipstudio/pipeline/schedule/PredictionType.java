package dev.unclipstudio.pipeline.schedule;

/** What a diffusion network predicts. */
public enum PredictionType {
  /** The added noise ε (decoder, super-res, GLIDE). */
  EPSILON,
  /** The clean sample x0 directly (the unCLIP prior). */
  SAMPLE;

  public static PredictionType named(String name) {
    return switch (name) {
      case "epsilon" -> EPSILON;
      case "sample" -> SAMPLE;
      default ->
          throw new IllegalArgumentException(
              "unknown prediction_type: " + name + " (epsilon | sample)");
    };
  }
}
