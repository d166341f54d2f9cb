package dev.unclipstudio.job;

import io.quarkus.qute.TemplateExtension;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The box at the top of a refused job form ({@code templates/errorSummary.html}): every field's
 * message behind the label the form shows for that field, in the forms' order, each a link to its
 * control. The messages themselves ("Use a number from 1 to 250.") do not name their field, so the
 * label is what tells two of them apart.
 */
@TemplateExtension
public final class ErrorSummary {

  /** One line of the summary: {@code field} is also the id of its control on the form. */
  public record Item(String field, String label, String message) {}

  /**
   * The job forms' fields top to bottom, with their labels as the forms show them (the inpainting
   * form's prompt is labelled by what it asks for; "Prompt" names it well enough here).
   */
  private static final List<Map.Entry<String, String>> FIELDS =
      List.of(
          Map.entry("image", "Image"),
          Map.entry("source", "Image to repaint"),
          Map.entry("mask", "Mask"),
          Map.entry("prompt", "Prompt"),
          Map.entry("images", "Images"),
          Map.entry("frames", "Frames"),
          Map.entry("seed", "Seed"),
          Map.entry("priorSteps", "Prior steps"),
          Map.entry("priorGuidanceScale", "Prior guidance"),
          Map.entry("decoderSteps", "Decoder steps"),
          Map.entry("decoderGuidanceScale", "Decoder guidance"),
          Map.entry("steps", "Steps"),
          Map.entry("guidanceScale", "Guidance"),
          Map.entry("pack", "Model pack"));

  private ErrorSummary() {}

  /** {@code {#for item in errors.summary}}: the form's messages in the order of its fields. */
  static List<Item> summary(Map<String, String> errors) {
    List<Item> items = new ArrayList<>();
    errors.forEach((field, message) -> items.add(new Item(field, label(field), message)));
    items.sort(Comparator.comparingInt(item -> position(item.field())));
    return items;
  }

  private static String label(String field) {
    return FIELDS.stream()
        .filter(f -> f.getKey().equals(field))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(field);
  }

  /** Fields this list does not know go last, in the order they were reported. */
  private static int position(String field) {
    for (int i = 0; i < FIELDS.size(); i++) {
      if (FIELDS.get(i).getKey().equals(field)) {
        return i;
      }
    }
    return FIELDS.size();
  }
}
