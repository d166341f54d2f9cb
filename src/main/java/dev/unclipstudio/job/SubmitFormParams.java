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

  /** The pack's name; absent when the form offers no choice. */
  @FormParam("pack")
  String pack;

  SubmitForm toForm() {
    return new SubmitForm(
        prompt, images, seed, priorSteps, priorGuidanceScale, decoderSteps, decoderGuidanceScale);
  }
}
