package dev.unclipstudio.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The create page's address with its form filled in ({@code /?prompt=…&seed=…}): the one place that
 * knows the form's field names for "use this prompt" and "make again" links from any page. Fields
 * given as null are left out (the form then shows the pack's default).
 */
public final class CreateFormLink {

  private final StringBuilder link;

  private CreateFormLink(String prompt) {
    link = new StringBuilder("/?prompt=").append(encode(prompt));
  }

  public static CreateFormLink forPrompt(String prompt) {
    return new CreateFormLink(prompt);
  }

  /** The model pack to preselect (by name); one the form does not offer falls back to its pick. */
  public CreateFormLink pack(String name) {
    return field("pack", name);
  }

  public CreateFormLink images(int count) {
    return field("images", count);
  }

  public CreateFormLink seed(Object firstSeed) {
    return field("seed", firstSeed);
  }

  public CreateFormLink priorSteps(Object steps) {
    return field("priorSteps", steps);
  }

  public CreateFormLink priorGuidanceScale(Object scale) {
    return field("priorGuidanceScale", scale);
  }

  public CreateFormLink decoderSteps(Object steps) {
    return field("decoderSteps", steps);
  }

  public CreateFormLink decoderGuidanceScale(Object scale) {
    return field("decoderGuidanceScale", scale);
  }

  private CreateFormLink field(String name, Object value) {
    if (value != null) {
      link.append('&').append(name).append('=').append(encode(value.toString()));
    }
    return this;
  }

  @Override
  public String toString() {
    return link.toString();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
