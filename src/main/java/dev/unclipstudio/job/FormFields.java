package dev.unclipstudio.job;

import dev.unclipstudio.job.RequestRules.DecimalRange;
import dev.unclipstudio.job.RequestRules.IntRange;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Form strings → the values of a typed command. What cannot be read is noted with the shared
 * message and passed on as "not given"; {@link JobRequests} reports it with the other problems, so
 * the form shows every fault at once.
 */
final class FormFields {

  private final RequestLimits limits;
  private final Map<String, String> problems = new LinkedHashMap<>();

  FormFields(RequestLimits limits) {
    this.limits = limits;
  }

  /** Images in the job; blank means {@code fallback}, or "Required." when there is none. */
  int images(String field, String value, Integer fallback) {
    return count(field, value, RequestRules.images(limits.maxImagesPerJob()), fallback);
  }

  /** A count; blank means {@code fallback}, or "Required." when there is none. */
  int count(String field, String value, IntRange range, Integer fallback) {
    if (blank(value)) {
      if (fallback == null) {
        problems.put(field, RequestRules.REQUIRED);
        return 0;
      }
      return fallback;
    }
    Integer parsed = whole(field, value, range);
    // 0 stands for an unreadable count: the request is refused with the message noted here
    return parsed == null ? 0 : parsed;
  }

  /** An optional whole number: blank or unreadable → null. */
  Integer whole(String field, String value, IntRange range) {
    if (blank(value)) {
      return null;
    }
    try {
      return Integer.valueOf(value.strip());
    } catch (NumberFormatException e) {
      problems.put(field, range.unparsable());
      return null;
    }
  }

  /**
   * An optional decimal: blank or unreadable → null ("NaN" reads as NaN and is refused by the
   * range).
   */
  Double decimal(String field, String value, DecimalRange range) {
    if (blank(value)) {
      return null;
    }
    try {
      return Double.valueOf(value.strip());
    } catch (NumberFormatException e) {
      problems.put(field, range.message());
      return null;
    }
  }

  /** An optional seed: blank (a random one) or unreadable → null. */
  Long seed(String field, String value) {
    if (blank(value)) {
      return null;
    }
    try {
      return Long.valueOf(value.strip());
    } catch (NumberFormatException e) {
      problems.put(field, RequestRules.SEED_UNPARSABLE);
      return null;
    }
  }

  /** A fault found outside this class (an upload that is not an image). */
  void note(String field, String message) {
    problems.put(field, message);
  }

  Map<String, String> problems() {
    return problems;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
