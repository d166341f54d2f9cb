package dev.unclipstudio.pipeline.unclip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SlerpTest {

  @Test
  void endpointsAreTheInputs() {
    float[] a = {1, 2, 3};
    float[] b = {-2, 0.5f, 1};
    assertArrayEquals(a, Slerp.slerp(a, b, 0), 1e-6f);
    assertArrayEquals(b, Slerp.slerp(a, b, 1), 1e-6f);
  }

  @Test
  void midpointOfOrthogonalUnitVectorsStaysOnTheSphere() {
    float[] mid = Slerp.slerp(new float[] {1, 0}, new float[] {0, 1}, 0.5);
    assertEquals(Math.sqrt(0.5), mid[0], 1e-6);
    assertEquals(Math.sqrt(0.5), mid[1], 1e-6); // a lerp would give 0.5, 0.5 (norm 0.71)
  }

  @Test
  void parallelVectorsFallBackToLerp() {
    assertArrayEquals(
        new float[] {1.5f, 3}, Slerp.slerp(new float[] {1, 2}, new float[] {2, 4}, 0.5), 1e-6f);
  }
}
