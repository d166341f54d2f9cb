package dev.unclipstudio.pipeline.text;

import java.nio.charset.StandardCharsets;

/**
 * GPT-2's reversible byte → printable character map ({@code bytes_to_unicode()}), shared by CLIP
 * and GPT-2 BPE so that BPE merges never see whitespace or control characters.
 */
final class ByteUnicode {

  private static final char[] BYTE_TO_CHAR = buildTable();

  private ByteUnicode() {}

  private static char[] buildTable() {
    char[] table = new char[256];
    boolean[] printable = new boolean[256];
    for (int b = '!'; b <= '~'; b++) {
      printable[b] = true;
    }
    for (int b = 0xA1; b <= 0xAC; b++) {
      printable[b] = true;
    }
    for (int b = 0xAE; b <= 0xFF; b++) {
      printable[b] = true;
    }
    int next = 0;
    for (int b = 0; b < 256; b++) {
      table[b] = printable[b] ? (char) b : (char) (256 + next++);
    }
    return table;
  }

  /**
   * Characters in {@code bytes_to_unicode().values()} order: printable bytes first, then the
   * remapped ones.
   */
  static char[] alphabet() {
    char[] out = new char[256];
    int n = 0;
    for (int b = 0; b < 256; b++) {
      if (BYTE_TO_CHAR[b] == b) {
        out[n++] = (char) b;
      }
    }
    for (int b = 0; b < 256; b++) {
      if (BYTE_TO_CHAR[b] != b) {
        out[n++] = BYTE_TO_CHAR[b];
      }
    }
    return out;
  }

  /** UTF-8 bytes of {@code token}, each mapped to its printable character. */
  static String encode(String token) {
    byte[] bytes = token.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      sb.append(BYTE_TO_CHAR[b & 0xFF]);
    }
    return sb.toString();
  }
}
