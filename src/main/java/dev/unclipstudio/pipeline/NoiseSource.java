package dev.unclipstudio.pipeline;

/**
 * Gaussian noise for the samplers: each stage's starting latents x_T and the fresh z of each step. Injectable so
 * a whole pipeline can replay a PyTorch reference exactly.
 */
public interface NoiseSource {

  /** x_T for {@code batch} images of {@code perImage} values each: [batch · perImage]. */
  double[] initial(String stage, int batch, int perImage);

  /** z for step {@code step} (0-based, sampling order) of a stage: [batch · perImage]. */
  double[] step(String stage, int step, int batch, int perImage);
}
