package dev.unclipstudio.pipeline.guidance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.unclipstudio.pipeline.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

class ClassifierFreeGuidanceTest {

  // [2B = 2, 2 channels (ε, v), 1 pixel]
  private static final FloatTensor OUTPUT = FloatTensor.of(new float[] {1, 10, 3, 30}, 2, 2, 1);

  @Test
  void uncondFirstGuidesEpsAndTakesVarianceFromTheSecondHalf() {
    var cfg = new ClassifierFreeGuidance(4.0, GuidanceLayout.UNCOND_FIRST);
    var g = cfg.combine(OUTPUT, 1, 1);
    assertArrayEquals(new double[] {1 + 4 * (3 - 1)}, g.prediction());
    assertArrayEquals(new double[] {30}, g.varianceValues());
  }

  @Test
  void condFirstIsTheGlideLayout() {
    var cfg = new ClassifierFreeGuidance(5.0, GuidanceLayout.COND_FIRST);
    var g = cfg.combine(OUTPUT, 1, 1);
    assertArrayEquals(new double[] {3 + 5 * (1 - 3)}, g.prediction());
    assertArrayEquals(new double[] {10}, g.varianceValues());
  }

  @Test
  void scaleAtMostOneFeedsOnlyTheConditionalRows() {
    var cfg = new ClassifierFreeGuidance(1.0, GuidanceLayout.UNCOND_FIRST);
    assertEquals(3, cfg.rows(3));
    FloatTensor cond = FloatTensor.of(new float[] {7, 70}, 1, 2, 1);
    assertSame(cond, cfg.stack(FloatTensor.of(new float[] {0, 0}, 1, 2, 1), cond));
    var g = cfg.combine(cond, 1, 2);
    assertArrayEquals(new double[] {7, 70}, g.prediction());
    assertNull(g.varianceValues());
  }

  @Test
  void priorOutputsWithoutChannelsAreGuidedWhole() {
    var cfg = new ClassifierFreeGuidance(2.0, GuidanceLayout.UNCOND_FIRST);
    var g = cfg.combine(FloatTensor.of(new float[] {1, 2, 3, 5}, 2, 2), 1, 2); // [2B, C]
    assertArrayEquals(new double[] {1 + 2 * 2, 2 + 2 * 3}, g.prediction());
  }
}
