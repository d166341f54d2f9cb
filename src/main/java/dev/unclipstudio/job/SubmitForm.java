package dev.unclipstudio.job;

/**
 * The text → image form as typed, kept to fill the form again when it is refused. Empty numbers
 * mean "the pack's default"; an empty seed means a random one.
 */
public record SubmitForm(
    String prompt,
    String images,
    String seed,
    String priorSteps,
    String priorGuidanceScale,
    String decoderSteps,
    String decoderGuidanceScale) {

  public static SubmitForm empty() {
    return new SubmitForm("", "4", "", "", "", "", "");
  }

  /** The typed command; numbers that cannot be read are noted in {@code numbers}. */
  TextToImageCommand toCommand(FormFields fields) {
    return new TextToImageCommand(
        prompt,
        fields.images("images", images, null),
        fields.seed("seed", seed),
        fields.whole("priorSteps", priorSteps, RequestRules.STEPS),
        fields.decimal("priorGuidanceScale", priorGuidanceScale, RequestRules.GUIDANCE),
        fields.whole("decoderSteps", decoderSteps, RequestRules.STEPS),
        fields.decimal("decoderGuidanceScale", decoderGuidanceScale, RequestRules.GUIDANCE));
  }
}
