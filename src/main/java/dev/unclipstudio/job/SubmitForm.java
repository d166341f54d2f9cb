package dev.unclipstudio.job;

import dev.unclipstudio.config.StudioConfig;
import dev.unclipstudio.web.Forms;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text → image form as typed, validated field by field. Empty numbers mean "the pack's default"; an empty seed
 * means a random one. Image i gets seed + i, so each image can be made again alone.
 */
public record SubmitForm(String prompt, String images, String seed, String priorSteps, String priorGuidanceScale,
    String decoderSteps, String decoderGuidanceScale) {

  private static final SecureRandom RANDOM = new SecureRandom();
  static final int MAX_STEPS = 250;
  static final double MAX_GUIDANCE = 30;

  public static SubmitForm empty() {
    return new SubmitForm("", "4", "", "", "", "", "");
  }

  /** Field → message; empty when the form is valid. */
  public Map<String, String> validate(StudioConfig config) {
    Map<String, String> errors = new LinkedHashMap<>();
    String text = Forms.normalizeText(prompt);
    if (text.isEmpty()) {
      errors.put("prompt", "Describe the image you want.");
    } else if (text.length() > config.queue().maxPromptLength()) {
      errors.put("prompt", "Use at most %d characters (this one has %d)."
          .formatted(config.queue().maxPromptLength(), text.length()));
    }
    checkInt(errors, "images", images, 1, config.queue().maxImagesPerJob(), false);
    if (!blank(seed)) {
      try {
        long s = Long.parseLong(seed.strip());
        if (s < 0) {
          errors.put("seed", "Use a seed of 0 or more.");
        }
      } catch (NumberFormatException e) {
        errors.put("seed", "Use a whole number, or leave it empty for a random seed.");
      }
    }
    checkInt(errors, "priorSteps", priorSteps, 1, MAX_STEPS, true);
    checkDouble(errors, "priorGuidanceScale", priorGuidanceScale, 0, MAX_GUIDANCE);
    checkInt(errors, "decoderSteps", decoderSteps, 1, MAX_STEPS, true);
    checkDouble(errors, "decoderGuidanceScale", decoderGuidanceScale, 0, MAX_GUIDANCE);
    return errors;
  }

  /** Consecutive seeds from a random start: each image of a job can be made again alone. */
  static List<Long> randomSeeds(int count) {
    return seedsFrom(RANDOM.nextLong(1L << 48), count);
  }

  private static List<Long> seedsFrom(long first, int count) {
    List<Long> seeds = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      seeds.add(first + i);
    }
    return seeds;
  }

  /** The job parameters of a valid form. */
  public JobParams toParams() {
    int count = Integer.parseInt(images.strip());
    List<Long> seeds = blank(seed) ? randomSeeds(count) : seedsFrom(Long.parseLong(seed.strip()), count);
    return JobParams.textToImage(Forms.normalizeText(prompt), seeds, intOrNull(priorSteps),
        doubleOrNull(priorGuidanceScale), intOrNull(decoderSteps), doubleOrNull(decoderGuidanceScale));
  }

  private static void checkInt(Map<String, String> errors, String field, String value, int min, int max,
      boolean optional) {
    if (blank(value)) {
      if (!optional) {
        errors.put(field, "Required.");
      }
      return;
    }
    try {
      int v = Integer.parseInt(value.strip());
      if (v < min || v > max) {
        errors.put(field, "Use a number from %d to %d.".formatted(min, max));
      }
    } catch (NumberFormatException e) {
      errors.put(field, "Use a whole number from %d to %d.".formatted(min, max));
    }
  }

  private static void checkDouble(Map<String, String> errors, String field, String value, double min, double max) {
    if (blank(value)) {
      return;
    }
    try {
      double v = Double.parseDouble(value.strip());
      if (!(v >= min && v <= max)) {
        errors.put(field, "Use a number from %s to %s.".formatted(fmt(min), fmt(max)));
      }
    } catch (NumberFormatException e) {
      errors.put(field, "Use a number from %s to %s.".formatted(fmt(min), fmt(max)));
    }
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static Integer intOrNull(String s) {
    return blank(s) ? null : Integer.valueOf(s.strip());
  }

  private static Double doubleOrNull(String s) {
    return blank(s) ? null : Double.valueOf(s.strip());
  }
}
