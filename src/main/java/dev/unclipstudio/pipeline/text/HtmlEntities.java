package dev.unclipstudio.pipeline.text;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A subset of Python's {@code html.unescape}: numeric references and the named entities that appear in prompts.
 * Unknown names are left as they are, which is what Python does for names outside its table.
 */
final class HtmlEntities {

  private static final Pattern REFERENCE = Pattern.compile("&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?");

  private static final Map<String, String> NAMED = Map.ofEntries(
      Map.entry("amp", "&"), Map.entry("lt", "<"), Map.entry("gt", ">"), Map.entry("quot", "\""),
      Map.entry("apos", "'"), Map.entry("nbsp", "\u00a0"), Map.entry("copy", "\u00a9"), Map.entry("reg", "\u00ae"),
      Map.entry("trade", "\u2122"), Map.entry("hellip", "\u2026"), Map.entry("mdash", "\u2014"),
      Map.entry("ndash", "\u2013"), Map.entry("lsquo", "\u2018"), Map.entry("rsquo", "\u2019"),
      Map.entry("ldquo", "\u201c"), Map.entry("rdquo", "\u201d"), Map.entry("deg", "\u00b0"),
      Map.entry("times", "\u00d7"), Map.entry("eacute", "\u00e9"), Map.entry("egrave", "\u00e8"),
      Map.entry("agrave", "\u00e0"), Map.entry("ccedil", "\u00e7"), Map.entry("uuml", "\u00fc"),
      Map.entry("ouml", "\u00f6"), Map.entry("auml", "\u00e4"), Map.entry("szlig", "\u00df"),
      Map.entry("euro", "\u20ac"), Map.entry("pound", "\u00a3"), Map.entry("middot", "\u00b7"));

  /** HTML5 names that Python also accepts without the trailing ';'. */
  private static final java.util.Set<String> LEGACY_WITHOUT_SEMICOLON = java.util.Set.of(
      "amp", "lt", "gt", "quot", "nbsp", "copy", "reg", "deg", "times", "eacute", "egrave", "agrave", "ccedil",
      "uuml", "ouml", "auml", "szlig", "pound", "middot");

  private HtmlEntities() {}

  static String unescape(String text) {
    if (text.indexOf('&') < 0) {
      return text;
    }
    Matcher m = REFERENCE.matcher(text);
    StringBuilder sb = new StringBuilder(text.length());
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(replacement(m.group(0), m.group(1))));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static String replacement(String whole, String name) {
    if (name.startsWith("#")) {
      try {
        int cp = name.length() > 1 && (name.charAt(1) == 'x' || name.charAt(1) == 'X')
            ? Integer.parseInt(name.substring(2), 16)
            : Integer.parseInt(name.substring(1));
        // Python maps invalid code points to U+FFFD
        return Character.isValidCodePoint(cp) && cp != 0 ? new String(Character.toChars(cp)) : "\ufffd";
      } catch (NumberFormatException e) {
        return "\ufffd";
      }
    }
    String value = NAMED.get(name);
    if (value == null || !(whole.endsWith(";") || LEGACY_WITHOUT_SEMICOLON.contains(name))) {
      return whole;
    }
    return value;
  }
}
