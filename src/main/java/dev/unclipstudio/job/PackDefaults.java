package dev.unclipstudio.job;

import dev.unclipstudio.pipeline.pack.ModelPack;

/**
 * The pack's defaults, shown as placeholders in the forms so that "empty" has a visible meaning.
 */
public record PackDefaults(
    String name,
    String version,
    int priorSteps,
    double priorGuidanceScale,
    int decoderSteps,
    double decoderGuidanceScale,
    Integer inpaintSteps,
    Double inpaintGuidanceScale) {

  static PackDefaults of(ModelPack pack) {
    boolean inpaint = pack.hasInpainting();
    return new PackDefaults(
        pack.name(),
        pack.version(),
        pack.priorSteps(),
        pack.priorGuidanceScale(),
        pack.decoderSteps(),
        pack.decoderGuidanceScale(),
        inpaint ? pack.inpaintSteps() : null,
        inpaint ? pack.inpaintGuidanceScale() : null);
  }
}
