package dev.unclipstudio.job;

import jakarta.ws.rs.FormParam;

/** The submit form's fields as posted. */
public class SubmitFormParams {
  @FormParam("prompt")
  String prompt;

  @FormParam("images")
  String images;

  @FormParam("seed")
  String seed;

  @FormParam("priorSteps")
  String priorSteps;

  @FormParam("priorGuidanceScale")
  String priorGuidanceScale;

  @FormParam("decoderSteps")
  String decoderSteps;

  @FormParam("decoderGuidanceScale")
  String decoderGuidanceScale;

  SubmitForm toForm() {
    return new SubmitForm(
        prompt, images, seed, priorSteps, priorGuidanceScale, decoderSteps, decoderGuidanceScale);
  }
}
