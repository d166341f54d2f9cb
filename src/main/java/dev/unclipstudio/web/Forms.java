package dev.unclipstudio.web;

import java.net.URI;
import java.text.Normalizer;

/** Small helpers shared by form handlers. */
public final class Forms {

  private Forms() {}

  /** NFC, no control characters, single spaces, trimmed: what the tokenizer would see anyway, stored once. */
  public static String normalizeText(String text) {
    if (text == null) {
      return "";
    }
    String nfc = Normalizer.normalize(text, Normalizer.Form.NFC);
    return nfc.replaceAll("\\p{Cntrl}", " ").replaceAll("\\s+", " ").strip();
  }

  /** A redirect target from a form or query, kept on this site: "/x" but not "//evil" or "https://evil". */
  public static URI localRedirect(String target, String fallback) {
    if (target == null || !target.startsWith("/") || target.startsWith("//") || target.contains("\\")) {
      return URI.create(fallback);
    }
    try {
      URI uri = URI.create(target);
      return uri.getScheme() == null && uri.getHost() == null ? uri : URI.create(fallback);
    } catch (IllegalArgumentException e) {
      return URI.create(fallback);
    }
  }
}
