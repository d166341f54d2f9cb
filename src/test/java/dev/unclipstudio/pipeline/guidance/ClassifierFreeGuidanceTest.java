package dev.unclipstudio.pipeline.guidance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.unclipstudio.pipeline.guidance.ClassifierFreeGuidance.Guided;
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class ClassifierFreeGuidanceTest {

  // [2B = 2, 2 channels (ε, v), 1 pixel]
  private static final float[] OUTPUT = {1, 10, 3, 30};

  @Test
  void uncondFirstGuidesEpsAndTakesVarianceFromTheSecondHalf() {
    var cfg = new ClassifierFreeGuidance(4.0, GuidanceLayout.UNCOND_FIRST);
    var g =
        cfg.combine(
            FloatBuffer.wrap(OUTPUT), 1, new OutputChannels(2, 1), Guided.allocate(1, true));
    assertArrayEquals(new double[] {1 + 4 * (3 - 1)}, g.prediction());
    assertArrayEquals(new double[] {30}, g.varianceValues());
  }

  @Test
  void condFirstIsTheGlideLayout() {
    var cfg = new ClassifierFreeGuidance(5.0, GuidanceLayout.COND_FIRST);
    var g =
        cfg.combine(
            FloatBuffer.wrap(OUTPUT), 1, new OutputChannels(2, 1), Guided.allocate(1, true));
    assertArrayEquals(new double[] {3 + 5 * (1 - 3)}, g.prediction());
    assertArrayEquals(new double[] {10}, g.varianceValues());
  }

  @Test
  void scaleAtMostOneFeedsOnlyTheConditionalRows() {
    var cfg = new ClassifierFreeGuidance(1.0, GuidanceLayout.UNCOND_FIRST);
    assertEquals(3, cfg.rows(3));
    FloatTensor cond = FloatTensor.of(new float[] {7, 70}, 1, 2, 1);
    assertSame(cond, cfg.stack(FloatTensor.of(new float[] {0, 0}, 1, 2, 1), cond));
    var g =
        cfg.combine(
            FloatBuffer.wrap(cond.data()), 1, new OutputChannels(2, 2), Guided.allocate(2, false));
    assertArrayEquals(new double[] {7, 70}, g.prediction());
    assertNull(g.varianceValues());
  }

  @Test
  void readsFromTheBuffersPositionAndBatchesRows() {
    var cfg = new ClassifierFreeGuidance(2.0, GuidanceLayout.UNCOND_FIRST);
    // position 1; [2B = 4 rows, 2 channels (ε, v), 1 pixel]: uncond rows 0-1, cond rows 2-3
    FloatBuffer out = FloatBuffer.wrap(new float[] {99, 1, 11, 2, 12, 5, 15, 8, 18}).position(1);
    var g = cfg.combine(out, 2, new OutputChannels(2, 1), Guided.allocate(2, true));
    assertArrayEquals(new double[] {1 + 2 * (5 - 1), 2 + 2 * (8 - 2)}, g.prediction());
    assertArrayEquals(new double[] {15, 18}, g.varianceValues());
  }

  @Test
  void priorOutputsWithoutChannelsAreGuidedWhole() {
    var cfg = new ClassifierFreeGuidance(2.0, GuidanceLayout.UNCOND_FIRST);
    var g =
        cfg.combine(
            FloatBuffer.wrap(new float[] {1, 2, 3, 5}),
            1,
            new OutputChannels(2, 2),
            Guided.allocate(2, false)); // [2B, C]
    assertArrayEquals(new double[] {1 + 2 * 2, 2 + 2 * 3}, g.prediction());
  }

  @Test
  void theSameBuffersServeEveryStepAndMustFitTheOutput() {
    var cfg = new ClassifierFreeGuidance(2.0, GuidanceLayout.UNCOND_FIRST);
    Guided buffers = Guided.allocate(1, true);
    assertSame(
        buffers, cfg.combine(FloatBuffer.wrap(OUTPUT), 1, new OutputChannels(2, 1), buffers));
    cfg.combine(FloatBuffer.wrap(new float[] {0, 1, 1, 2}), 1, new OutputChannels(2, 1), buffers);
    assertArrayEquals(new double[] {2}, buffers.prediction());
    assertArrayEquals(new double[] {2}, buffers.varianceValues());
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                cfg.combine(
                    FloatBuffer.wrap(OUTPUT),
                    1,
                    new OutputChannels(2, 1),
                    Guided.allocate(2, true)));
    assertEquals("guidance buffers hold 2 + 2 values, the network gave 1 + 1", e.getMessage());
  }

  @Test
  void unguidedPredictionsAreReadAsTheyAre() {
    Guided buffers = Guided.allocate(2, false);
    assertSame(
        buffers, buffers.readUnguided(FloatBuffer.wrap(new float[] {9, 1.5f, -2}).position(1)));
    assertArrayEquals(new double[] {1.5, -2}, buffers.prediction());
  }
}
