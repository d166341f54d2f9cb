package dev.unclipstudio.pipeline;

/**
 * Gaussian noise for the samplers: each stage's starting latents x_T and the fresh z of each step.
 * Injectable so a whole pipeline can replay a PyTorch reference exactly. Both write into a buffer
 * of the loop's, so a step allocates nothing.
 */
public interface NoiseSource {

  /** x_T for {@code batch} images into {@code into}: [batch · perImage]. */
  void initial(Stage stage, int batch, double[] into);

  /**
   * z for step {@code step} (0-based, sampling order) of a stage into {@code into}: [batch ·
   * perImage].
   */
  void step(Stage stage, int step, int batch, double[] into);
}
