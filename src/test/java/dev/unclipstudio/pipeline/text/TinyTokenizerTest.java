package dev.unclipstudio.pipeline.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The tiny pack's own small CLIP-format vocabulary against the Python tokenizer that built it. */
class TinyTokenizerTest {

  @TestFactory
  List<DynamicTest> tinyVocabularyMatchesThePythonTokenizer() throws Exception {
    JsonNode fixture = Fixtures.readJson(Fixtures.requireTinyFixture("tokens_tiny.json"));
    ModelPack pack = ModelPack.readManifest(Fixtures.requireTinyPack());
    ClipTokenizer tokenizer = (ClipTokenizer) pack.tokenizerFor(ModelPack.TEXT_ENCODER);
    List<DynamicTest> tests = new ArrayList<>();
    tests.add(
        DynamicTest.dynamicTest(
            "vocabulary",
            () -> {
              assertEquals(fixture.get("context_length").asInt(), tokenizer.contextLength());
              assertEquals(fixture.get("vocab_size").asInt(), tokenizer.vocabularySize());
              assertEquals(fixture.get("sot").asInt(), tokenizer.startId());
              assertEquals(fixture.get("eot").asInt(), tokenizer.endId());
            }));
    for (JsonNode c : fixture.get("cases")) {
      String text = c.get("text").asText();
      tests.add(
          DynamicTest.dynamicTest(
              "\"" + text + "\"",
              () -> {
                if (c.has("bpe")) {
                  assertArrayEquals(
                      Fixtures.ints(c.get("bpe")),
                      tokenizer.encode(text).stream().mapToInt(Integer::intValue).toArray(),
                      "bpe");
                }
                TokenizedBatch batch = tokenizer.tokenize(List.of(text));
                assertArrayEquals(Fixtures.ints(c.get("ids")), batch.ids(), "ids");
                assertArrayEquals(
                    ClipGlideTokenizerFixtureTest.booleans(c.get("mask")), batch.mask(), "mask");
              }));
    }
    return tests;
  }
}
