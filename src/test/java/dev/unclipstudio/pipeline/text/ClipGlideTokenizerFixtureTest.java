package dev.unclipstudio.pipeline.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unclipstudio.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Real CLIP and GLIDE vocabularies against ids and masks from openai/CLIP and glide-text2im. */
class ClipGlideTokenizerFixtureTest {

  private static final JsonNode CASES =
      Fixtures.resourceJson("fixtures/clip_glide_tokens.json").get("cases");

  private static ClipTokenizer realClip() throws IOException {
    Path merges =
        Fixtures.requireFile(
            Fixtures.SHARED.resolve("data/clip/bpe_simple_vocab_16e6.txt.gz"),
            "CLIP vocabulary (../shared/data/clip)");
    return ClipTokenizer.fromMergesFile(merges, 77, 48894);
  }

  private static Gpt2Tokenizer realGlide() throws IOException {
    Path dir = Fixtures.SHARED.resolve("data/glide");
    Fixtures.requireFile(
        dir.resolve("encoder.json.gz"), "GLIDE encoder.json.gz (../shared/data/glide)");
    return Gpt2Tokenizer.fromFiles(
        dir.resolve("encoder.json.gz"), dir.resolve("vocab.bpe.gz"), 128);
  }

  @Test
  void realClipVocabularyHasTheCanonicalSpecialIds() throws IOException {
    ClipTokenizer clip = realClip();
    assertEquals(49408, clip.vocabularySize());
    assertEquals(49406, clip.startId());
    assertEquals(49407, clip.endId());
  }

  @TestFactory
  List<DynamicTest> clipIdsAndMasksMatchOpenAiClip() throws IOException {
    ClipTokenizer clip = realClip();
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : CASES) {
      tests.add(
          DynamicTest.dynamicTest(
              "clip: \"" + c.get("text").asText() + "\"",
              () -> {
                TokenizedBatch batch = clip.tokenize(List.of(c.get("text").asText()));
                assertArrayEquals(Fixtures.ints(c.get("clip_ids")), batch.ids(), "ids");
                assertArrayEquals(booleans(c.get("clip_mask")), batch.mask(), "mask");
              }));
    }
    return tests;
  }

  @TestFactory
  List<DynamicTest> glideIdsAndMasksMatchGlideText2im() throws IOException {
    Gpt2Tokenizer glide = realGlide();
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : CASES) {
      tests.add(
          DynamicTest.dynamicTest(
              "glide: \"" + c.get("text").asText() + "\"",
              () -> {
                TokenizedBatch batch = glide.tokenize(List.of(c.get("text").asText()));
                assertArrayEquals(Fixtures.ints(c.get("glide_ids")), batch.ids(), "ids");
                assertArrayEquals(booleans(c.get("glide_mask")), batch.mask(), "mask");
              }));
    }
    return tests;
  }

  @Test
  void batchRowsAreIndependentOfEachOther() throws IOException {
    ClipTokenizer clip = realClip();
    TokenizedBatch both = clip.tokenize(List.of("", "a red circle"));
    assertArrayEquals(clip.tokenize(List.of("a red circle")).ids(), both.idsOfRow(1));
    assertArrayEquals(new int[] {49406, 49407, 0}, java.util.Arrays.copyOf(both.idsOfRow(0), 3));
  }

  static boolean[] booleans(JsonNode array) {
    boolean[] out = new boolean[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asBoolean();
    }
    return out;
  }
}
