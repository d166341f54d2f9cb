package dev.unclipstudio.pipeline.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code html.unescape} (CPython 3.11), which CLIP's tokenizer applies to every prompt:
 * all HTML5 named references, including the legacy names that need no ';' and the longest-prefix
 * rule ({@code &notit;} is U+00AC then {@code it;}), and numeric references with HTML5's
 * replacements for invalid code points.
 *
 * <p>The tables come from {@code html5-entities.tsv} beside this class, generated from Python by
 * {@code tools/html_entities.py}; {@code HtmlEntitiesTest} checks this class against Python's
 * output.
 *
 * <p>One known difference: Python raises {@code ValueError} for a decimal reference of more than
 * 4,300 digits (its int-from-string limit); here it becomes U+FFFD like any other reference beyond
 * U+10FFFF.
 */
final class HtmlEntities {

  /** Python's name pattern takes at most this many code points ({@code [^\t\n\f <&#;]{1,32}}). */
  private static final int MAX_NAME_CODE_POINTS = 32;

  /** Where numeric values saturate: anything above U+10FFFF gives U+FFFD, however large. */
  private static final int BEYOND_UNICODE = Character.MAX_CODE_POINT + 1;

  private HtmlEntities() {}

  static String unescape(String text) {
    int amp = text.indexOf('&');
    if (amp < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int copied = 0;
    while (amp >= 0) {
      int end = referenceEnd(text, amp);
      if (end < 0) {
        // like re.sub, try again at the next '&'; nothing is consumed
        amp = text.indexOf('&', amp + 1);
        continue;
      }
      out.append(text, copied, amp);
      String body = text.substring(amp + 1, end);
      if (body.charAt(0) == '#') {
        appendNumeric(body, out);
      } else {
        appendNamed(body, out);
      }
      copied = end;
      amp = text.indexOf('&', end);
    }
    return out.append(text, copied, text.length()).toString();
  }

  /**
   * The end of the reference that Python's {@code _charref} regex matches at {@code amp}, or -1
   * when it matches nothing there: {@code &(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)}.
   */
  private static int referenceEnd(String text, int amp) {
    int n = text.length();
    int i = amp + 1;
    if (i < n && text.charAt(i) == '#') {
      i++;
      if (i < n && isDigit(text.charAt(i), 10)) {
        return optionalSemicolon(text, skipDigits(text, i, 10));
      }
      if (i + 1 < n
          && (text.charAt(i) == 'x' || text.charAt(i) == 'X')
          && isDigit(text.charAt(i + 1), 16)) {
        return optionalSemicolon(text, skipDigits(text, i + 1, 16));
      }
      // a name cannot start with '#'
      return -1;
    }
    int count = 0;
    while (i < n && count < MAX_NAME_CODE_POINTS) {
      int cp = text.codePointAt(i);
      if (cp == '\t'
          || cp == '\n'
          || cp == '\f'
          || cp == ' '
          || cp == '<'
          || cp == '&'
          || cp == '#'
          || cp == ';') {
        break;
      }
      // Python counts code points, so a character outside the BMP is one of the 32
      i += Character.charCount(cp);
      count++;
    }
    return count == 0 ? -1 : optionalSemicolon(text, i);
  }

  private static int optionalSemicolon(String text, int i) {
    return i < text.length() && text.charAt(i) == ';' ? i + 1 : i;
  }

  private static int skipDigits(String text, int i, int radix) {
    while (i < text.length() && isDigit(text.charAt(i), radix)) {
      i++;
    }
    return i;
  }

  /**
   * ASCII digits only, as in the regex; {@link Character#digit} would also accept other scripts'
   * digits.
   */
  private static boolean isDigit(char c, int radix) {
    return c < 128 && Character.digit(c, radix) >= 0;
  }

  /**
   * {@code body} is {@code #65}, {@code #x41;} and the like, already validated by {@link
   * #referenceEnd}.
   */
  private static void appendNumeric(String body, StringBuilder out) {
    boolean hex = body.charAt(1) == 'x' || body.charAt(1) == 'X';
    int radix = hex ? 16 : 10;
    int value = 0;
    for (int i = hex ? 2 : 1; i < body.length() && body.charAt(i) != ';'; i++) {
      value = Math.min(value * radix + Character.digit(body.charAt(i), radix), BEYOND_UNICODE);
    }
    String replacement = Table.INSTANCE.charrefs().get(value);
    if (replacement != null) {
      out.append(replacement);
    } else if ((value >= Character.MIN_SURROGATE && value <= Character.MAX_SURROGATE)
        || value == BEYOND_UNICODE) {
      out.append('\ufffd');
    } else if (Arrays.binarySearch(Table.INSTANCE.invalid(), value) < 0) {
      out.appendCodePoint(value);
    }
    // else: Python drops the reference entirely
  }

  /** {@code body} is the name with its ';' if it had one. */
  private static void appendNamed(String body, StringBuilder out) {
    Map<String, String> entities = Table.INSTANCE.entities();
    String exact = entities.get(body);
    if (exact != null) {
      out.append(exact);
      return;
    }
    // The longest proper prefix of two or more characters that is a name: only the legacy names
    // without ';'
    // can match, e.g. "ampx" -> "&" + "x". Python slices code points, but every name is ASCII, so
    // slicing chars
    // finds the same prefix.
    for (int x = body.length() - 1; x >= 2; x--) {
      String value = entities.get(body.substring(0, x));
      if (value != null) {
        out.append(value).append(body, x, body.length());
        return;
      }
    }
    out.append('&').append(body);
  }

  /**
   * The generated tables, read once, on the first {@code '&'} rather than when the tokenizer loads
   * (the holder idiom).
   *
   * @param entities HTML5 names, with ';' or (legacy) without, to their one or two code points
   * @param charrefs numeric references HTML5 maps to another character (0x80 is the euro sign, as
   *     in windows-1252)
   * @param invalid sorted numeric references that unescape to nothing
   */
  private record Table(Map<String, String> entities, Map<Integer, String> charrefs, int[] invalid) {

    private static final String RESOURCE = "html5-entities.tsv";
    static final Table INSTANCE = load();

    private static Table load() {
      InputStream in = HtmlEntities.class.getResourceAsStream(RESOURCE);
      if (in == null) {
        throw new IllegalStateException(
            "missing class-path resource " + RESOURCE + " beside HtmlEntities");
      }
      Map<String, String> entities = new HashMap<>(4096);
      Map<Integer, String> charrefs = new HashMap<>();
      List<Integer> invalid = new ArrayList<>();
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
        int lineNumber = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          lineNumber++;
          if (line.isEmpty() || line.startsWith("#")) {
            continue;
          }
          String[] columns = line.split("\t", -1);
          switch (columns[0]) {
            case "entity" -> entities.put(columns[1], codePoints(columns, lineNumber));
            case "charref" ->
                charrefs.put(Integer.parseInt(columns[1], 16), codePoints(columns, lineNumber));
            case "invalid" -> invalid.add(Integer.parseInt(columns[1], 16));
            default ->
                throw new IllegalStateException(
                    RESOURCE + ":" + lineNumber + ": unknown kind " + columns[0]);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + RESOURCE, e);
      }
      return new Table(
          entities, charrefs, invalid.stream().mapToInt(Integer::intValue).sorted().toArray());
    }

    private static String codePoints(String[] columns, int lineNumber) {
      if (columns.length != 3 || columns[2].isEmpty()) {
        throw new IllegalStateException(
            RESOURCE + ":" + lineNumber + ": expected kind, key and code points");
      }
      StringBuilder sb = new StringBuilder(2);
      for (String hex : columns[2].split(" ")) {
        sb.appendCodePoint(Integer.parseInt(hex, 16));
      }
      return sb.toString();
    }
  }
}
