package dev.unclipstudio.web;

import io.quarkus.qute.RawString;
import io.quarkus.qute.TemplateExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** View helpers for templates. */
@TemplateExtension
public final class TemplateExtensions {

  private static final DateTimeFormatter DISPLAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT);

  private TemplateExtensions() {}

  /**
   * Stored names as people read them: {@code prior_guidance_scale} → "Prior guidance scale", {@code
   * TEXT_TO_IMAGE} → "Text to image".
   */
  static String humanized(String name) {
    String words = name.replace('_', ' ').strip().toLowerCase(Locale.ROOT);
    return words.isEmpty() ? words : Character.toUpperCase(words.charAt(0)) + words.substring(1);
  }

  /**
   * A point in time for people: {@code <time datetime="…">2026-12-04 19:53:07 UTC</time>}, with
   * seconds always shown; js/local-time.js rewrites it into the reader's own zone.
   */
  static RawString timeTag(OffsetDateTime at) {
    OffsetDateTime utc = at.withOffsetSameInstant(ZoneOffset.UTC).withNano(0);
    return new RawString(
        "<time datetime=\""
            + utc.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
            + "\">"
            + utc.format(DISPLAY)
            + "</time>");
  }

  /** For query strings built in templates: {@code ?q={q.urlEncode}}. */
  static String urlEncode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
