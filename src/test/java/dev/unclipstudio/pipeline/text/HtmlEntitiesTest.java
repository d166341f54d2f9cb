package dev.unclipstudio.pipeline.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unclipstudio.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link HtmlEntities#unescape} against Python's {@code html.unescape} on the corpus that {@code
 * tools/html_entities.py --fixture} recorded: every HTML5 name, legacy names without ';', numeric
 * edge cases and seeded random strings.
 */
class HtmlEntitiesTest {

  @Test
  void matchesPythonOnTheWholeCorpus() {
    JsonNode fixture = Fixtures.resourceJson("fixtures/html_unescape.json");
    JsonNode cases = fixture.get("cases");
    // every html5 key appears once as "x&KEY y", so a truncated fixture would show here
    assertTrue(cases.size() > 2231, "fixture has only " + cases.size() + " cases");
    List<String> failures = new ArrayList<>();
    for (JsonNode c : cases) {
      String input = c.get(0).asText();
      String expected = c.get(1).asText();
      String actual = HtmlEntities.unescape(input);
      if (!expected.equals(actual)) {
        failures.add(escape(input) + " -> " + escape(actual) + ", Python " + escape(expected));
      }
    }
    // one report of all mismatches reads better than thousands of separate test cases
    assertEquals(
        List.of(),
        failures.subList(0, Math.min(failures.size(), 50)),
        failures.size()
            + " of "
            + cases.size()
            + " cases differ from Python "
            + fixture.get("python").asText());
  }

  @Test
  void textWithoutAmpersandIsReturnedAsIs() {
    String text = "a photo of a cat";
    assertSame(text, HtmlEntities.unescape(text));
  }

  /** Shows control characters, non-ASCII and lone surrogates in failure messages. */
  private static String escape(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f) {
        sb.append(c);
      } else {
        sb.append(String.format("\\u%04x", (int) c));
      }
    }
    return sb.append('"').toString();
  }
}
