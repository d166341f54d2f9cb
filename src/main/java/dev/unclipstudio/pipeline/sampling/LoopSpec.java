package dev.unclipstudio.pipeline.sampling;

import dev.unclipstudio.pipeline.Stage;
import dev.unclipstudio.pipeline.schedule.DenoisedHook;
import dev.unclipstudio.pipeline.schedule.UnclipScheduler;

/**
 * One stage's sampling loop as a request asks for it. Start from {@link #of} and name what differs
 * from the plain loop, so a call reads as what it does rather than as a row of numbers and nulls.
 *
 * @param stage which stage: its noise streams and the name progress reports
 * @param scheduler the respaced timesteps and their update rule
 * @param batch B images
 * @param valuesPerImage values of one image's sample (C for the prior, 3·H·W for image stages)
 * @param learnedVariance whether the network also predicts variance values (one per sample value)
 * @param initialScale factor on x_T (GLIDE's upsampler samples at temperature 0.997)
 * @param hook rewrites x0 before clipping (inpainting re-inserts the known region)
 * @param preview what progress listeners may see of x0
 */
public record LoopSpec(
    Stage stage,
    UnclipScheduler scheduler,
    int batch,
    int valuesPerImage,
    boolean learnedVariance,
    double initialScale,
    DenoisedHook hook,
    Preview preview) {

  /** A loop with fixed variance, x_T as drawn, nothing rewritten and no preview. */
  public static LoopSpec of(Stage stage, UnclipScheduler scheduler, int batch, int valuesPerImage) {
    return new LoopSpec(
        stage, scheduler, batch, valuesPerImage, false, 1.0, DenoisedHook.NONE, Preview.NONE);
  }

  public LoopSpec withLearnedVariance() {
    return new LoopSpec(stage, scheduler, batch, valuesPerImage, true, initialScale, hook, preview);
  }

  public LoopSpec startingScaledBy(double factor) {
    return new LoopSpec(
        stage, scheduler, batch, valuesPerImage, learnedVariance, factor, hook, preview);
  }

  public LoopSpec rewritingX0(DenoisedHook rewrite) {
    return new LoopSpec(
        stage, scheduler, batch, valuesPerImage, learnedVariance, initialScale, rewrite, preview);
  }

  /** Previews the images of a square image stage of side {@code side}. */
  public LoopSpec previewingImages(int side) {
    return new LoopSpec(
        stage,
        scheduler,
        batch,
        valuesPerImage,
        learnedVariance,
        initialScale,
        hook,
        Preview.images(side));
  }

  int values() {
    return batch * valuesPerImage;
  }
}
