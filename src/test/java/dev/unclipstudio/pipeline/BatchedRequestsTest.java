package dev.unclipstudio.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.pipeline.image.PngCodec;
import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.sampling.StageOverrides;
import dev.unclipstudio.testing.TinyEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Several requests run as one engine batch on the tiny pack: each gets exactly its own images. */
class BatchedRequestsTest {

  private static final StageOverrides THREE_STEPS = new StageOverrides(3, null);

  @RegisterExtension static final TinyEngine TINY = new TinyEngine();

  @Test
  void threeRequestsInOneBatchGetTheSamePngBytesAsEachAlone() {
    List<TextToImageRequest> requests =
        List.of(
            new TextToImageRequest("a red circle in the top left corner", List.of(7L), null, null),
            new TextToImageRequest("two blue squares", List.of(8L, 9L), null, null),
            new TextToImageRequest("a green triangle", List.of(7L), null, null));
    List<List<GeneratedImage>> batched =
        TINY.engine()
            .textToImage(
                new TextToImageBatch(
                    requests.stream()
                        .map(r -> new TextToImageBatch.Member(r, null, null))
                        .toList()));
    assertEquals(3, batched.size());
    for (int j = 0; j < requests.size(); j++) {
      List<GeneratedImage> alone = TINY.engine().textToImage(requests.get(j), null, null);
      assertEquals(alone.size(), batched.get(j).size());
      for (int i = 0; i < alone.size(); i++) {
        GeneratedImage a = alone.get(i);
        GeneratedImage b = batched.get(j).get(i);
        assertEquals(a.seed(), b.seed());
        assertArrayEquals(a.image().rgb(), b.image().rgb(), "request " + j + " image " + i);
        assertArrayEquals(png(a.image()), png(b.image()), "request " + j + " image " + i);
        assertArrayEquals(a.imageEmbedding(), b.imageEmbedding());
        assertEquals(a.settings(), b.settings());
      }
    }
    assertTrue(
        !java.util.Arrays.equals(
            batched.get(0).get(0).image().rgb(), batched.get(2).get(0).image().rgb()),
        "same seed, different prompt: the prompt must reach its own rows");
  }

  @Test
  void eachRequestHearsOfEveryStepWithAPreviewOfItsOwnFirstImage() {
    TextToImageRequest first = request("a red circle", 3L);
    TextToImageRequest second = request("a blue square", 4L);
    List<StepEvent> firstEvents = new ArrayList<>();
    List<StepEvent> secondEvents = new ArrayList<>();
    TINY.engine()
        .textToImage(
            new TextToImageBatch(
                List.of(
                    new TextToImageBatch.Member(first, firstEvents::add, null),
                    new TextToImageBatch.Member(second, secondEvents::add, null))));
    List<StepEvent> aloneEvents = new ArrayList<>();
    TINY.engine().textToImage(second, aloneEvents::add, null);
    assertEquals(aloneEvents.size(), firstEvents.size());
    assertEquals(aloneEvents.size(), secondEvents.size());
    // the last decoder step's preview of the second request is its own x0, as when alone
    int lastDecoderStep = 3 + 3 - 1;
    assertEquals(Stage.DECODER, secondEvents.get(lastDecoderStep).stage());
    assertEquals(
        aloneEvents.get(lastDecoderStep).preview().get(),
        secondEvents.get(lastDecoderStep).preview().get());
  }

  @Test
  void aCancelledRequestHearsNothingMoreWhileTheOthersFinishWithTheirOwnImages() {
    TextToImageRequest cancelled = request("a red circle", 5L);
    TextToImageRequest kept = request("a blue square", 6L);
    AtomicInteger seen = new AtomicInteger();
    CancellationToken afterTwo = () -> seen.get() >= 2;
    List<List<GeneratedImage>> images =
        TINY.engine()
            .textToImage(
                new TextToImageBatch(
                    List.of(
                        new TextToImageBatch.Member(
                            cancelled, e -> seen.incrementAndGet(), afterTwo),
                        new TextToImageBatch.Member(kept, null, null))));
    assertEquals(2, seen.get(), "no event after the cancellation is seen");
    assertEquals(
        TINY.engine().textToImage(kept, null, null).get(0).image(), images.get(1).get(0).image());
  }

  @Test
  void theBatchStopsWithinOneStepOnceEveryRequestIsCancelled() {
    AtomicInteger seen = new AtomicInteger();
    CancellationToken afterFour = () -> seen.get() >= 4;
    assertThrows(
        CancelledException.class,
        () ->
            TINY.engine()
                .textToImage(
                    new TextToImageBatch(
                        List.of(
                            new TextToImageBatch.Member(
                                request("a", 1L), e -> seen.incrementAndGet(), afterFour),
                            new TextToImageBatch.Member(request("b", 2L), null, afterFour)))));
    assertEquals(4, seen.get());
  }

  @Test
  void requestsWithDifferentSettingsAreRefusedAsOneBatch() {
    TextToImageRequest three = request("a", 1L);
    TextToImageRequest four =
        new TextToImageRequest("b", List.of(2L), THREE_STEPS, new StageOverrides(4, null));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new TextToImageBatch(
                    List.of(
                        new TextToImageBatch.Member(three, null, null),
                        new TextToImageBatch.Member(four, null, null))));
    assertTrue(e.getMessage().contains("same prior and decoder settings"), e.getMessage());
  }

  private static TextToImageRequest request(String prompt, long seed) {
    return new TextToImageRequest(prompt, List.of(seed), THREE_STEPS, THREE_STEPS);
  }

  private static byte[] png(RgbImage image) {
    return PngCodec.encode(image, Map.of("prompt", "same text for both"));
  }
}
