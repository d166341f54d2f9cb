package dev.unclipstudio.admin;

import java.util.Map;

/**
 * The step before a destructive console action: a page that says what will happen and sends the
 * same form again with {@code confirmed=yes}. A page, not a script dialog, so it works without
 * JavaScript and cannot be skipped by a double click.
 */
public record Confirmation(
    String question,
    String consequence,
    String action,
    Map<String, String> fields,
    String button,
    String cancelTo) {

  static final String FIELD = "confirmed";

  /** Whether a form came from this step. */
  static boolean given(String confirmed) {
    return "yes".equals(confirmed);
  }
}
