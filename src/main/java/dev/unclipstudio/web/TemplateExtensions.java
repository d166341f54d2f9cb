package dev.unclipstudio.web;

import io.quarkus.qute.TemplateExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** View helpers for templates. */
@TemplateExtension
public final class TemplateExtensions {

  private TemplateExtensions() {}

  /** For query strings built in templates: {@code ?q={q.urlEncode}}. */
  static String urlEncode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
