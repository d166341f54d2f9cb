package dev.unclipstudio.job;

import jakarta.ws.rs.QueryParam;

/**
 * The create page's fields given in its address ({@code /?prompt=…&seed=…}), so "use this prompt"
 * and "make again" links from image and job pages open the form filled in. Only fills the form:
 * nothing is submitted, and the usual checks apply when it is.
 */
public class CreateFormQuery {
  @QueryParam("prompt")
  String prompt;

  @QueryParam("images")
  String images;

  @QueryParam("seed")
  String seed;

  @QueryParam("priorSteps")
  String priorSteps;

  @QueryParam("priorGuidanceScale")
  String priorGuidanceScale;

  @QueryParam("decoderSteps")
  String decoderSteps;

  @QueryParam("decoderGuidanceScale")
  String decoderGuidanceScale;

  /** A pack to preselect; ignored when the form does not offer it. */
  @QueryParam("pack")
  String pack;

  SubmitForm toForm() {
    SubmitForm empty = SubmitForm.empty();
    return new SubmitForm(
        prompt == null ? empty.prompt() : prompt,
        images == null ? empty.images() : images,
        orEmpty(seed),
        orEmpty(priorSteps),
        orEmpty(priorGuidanceScale),
        orEmpty(decoderSteps),
        orEmpty(decoderGuidanceScale));
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
