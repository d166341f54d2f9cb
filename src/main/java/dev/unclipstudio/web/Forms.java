package dev.unclipstudio.web;

import java.text.Normalizer;

/** Small helpers shared by form handlers. */
public final class Forms {

  private Forms() {}

  /**
   * NFC, no control characters, single spaces, trimmed: what the tokenizer would see anyway, stored
   * once.
   */
  public static String normalizeText(String text) {
    if (text == null) {
      return "";
    }
    String nfc = Normalizer.normalize(text, Normalizer.Form.NFC);
    return nfc.replaceAll("\\p{Cntrl}", " ").replaceAll("\\s+", " ").strip();
  }
}
