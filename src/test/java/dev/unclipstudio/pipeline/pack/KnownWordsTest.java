package dev.unclipstudio.pipeline.pack;

import static dev.unclipstudio.testing.Fixtures.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pack's optional vocabulary: read once, matched word by word, refused with the line at fault.
 */
class KnownWordsTest {

  @TempDir Path temp;

  @Test
  void theTinyPackKnowsItsCaptionsWordsAndNamesTheOthersOnceInOrder() throws Exception {
    ModelPack tiny = ModelPack.readManifest(Fixtures.requireTinyPack());
    assertEquals(List.of(), tiny.unknownWords("A small red circle in the top-left corner!"));
    assertEquals(
        List.of("an", "armchair", "shape", "avocado", "avocados"),
        tiny.unknownWords("an armchair in the shape of an Avocado, 3 avocados"));
    assertEquals(List.of("two", "circles"), tiny.unknownWords("two circles"), "never in a caption");
  }

  @Test
  void aPackWithoutAListKnowsEveryWord() throws Exception {
    assertTrue(KnownWords.read(temp).isEmpty());
  }

  @Test
  void aLineThatIsNotOneLowerCaseWordIsRefusedWithItsNumber() throws Exception {
    Files.writeString(temp.resolve(KnownWords.FILE), "red\n\nBlue\n");
    ModelPackException e = assertThrows(ModelPackException.class, () -> KnownWords.read(temp));
    assertContains(e.getMessage(), "known_words.txt line 3: expected one lower-case word");
    Files.writeString(temp.resolve(KnownWords.FILE), "red\ntop left\n");
    e = assertThrows(ModelPackException.class, () -> KnownWords.read(temp));
    assertContains(e.getMessage(), "line 2");
  }

  @Test
  void theWordsAreLettersSoDigitsAndPunctuationAreNoWords() throws Exception {
    Files.writeString(temp.resolve(KnownWords.FILE), "red\ncircle\n");
    KnownWords words = KnownWords.read(temp).orElseThrow();
    assertEquals(List.of(), words.unknownIn("3 RED circle?"));
    assertEquals(List.of("café"), words.unknownIn("red café"));
  }
}
