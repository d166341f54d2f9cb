package dev.unclipstudio.pipeline.image;

import static dev.unclipstudio.testing.Fixtures.assertClose;
import static dev.unclipstudio.testing.Fixtures.doubles;
import static dev.unclipstudio.testing.Fixtures.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unclipstudio.testing.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * Against PyTorch's antialiased bicubic interpolate and PIL's BICUBIC resize
 * (training/fixtures_image_ops.py).
 */
class BicubicResizeTest {

  private static final JsonNode FIXTURES = Fixtures.resourceJson("fixtures/image/image_ops.json");

  @Test
  void floatPlanesMatchTorchInterpolateWithAntialias() {
    for (JsonNode c : FIXTURES.get("torch")) {
      double[] in = doubles(c.get("input"));
      float[] planes = new float[in.length];
      for (int i = 0; i < in.length; i++) {
        planes[i] = (float) in[i];
      }
      float[] out =
          BicubicResize.resizePlanes(
              planes,
              c.get("channels").asInt(),
              c.get("in_h").asInt(),
              c.get("in_w").asInt(),
              c.get("out_h").asInt(),
              c.get("out_w").asInt());
      assertClose(
          doubles(c.get("output")),
          Fixtures.toDoubles(out),
          2e-6,
          1e-5,
          "torch "
              + c.get("in_h")
              + "x"
              + c.get("in_w")
              + " -> "
              + c.get("out_h")
              + "x"
              + c.get("out_w"));
    }
  }

  @Test
  void eightBitImagesMatchPilExactly() {
    for (JsonNode c : FIXTURES.get("pil")) {
      int[] in = ints(c.get("input"));
      byte[] rgb = new byte[in.length];
      for (int i = 0; i < in.length; i++) {
        rgb[i] = (byte) in[i];
      }
      RgbImage out =
          BicubicResize.resize(
              new RgbImage(c.get("in_w").asInt(), c.get("in_h").asInt(), rgb),
              c.get("out_w").asInt(),
              c.get("out_h").asInt());
      int[] actual = new int[out.rgb().length];
      for (int i = 0; i < actual.length; i++) {
        actual[i] = out.rgb()[i] & 0xFF;
      }
      assertArrayEquals(
          ints(c.get("output")),
          actual,
          "PIL "
              + c.get("in_w")
              + "x"
              + c.get("in_h")
              + " -> "
              + c.get("out_w")
              + "x"
              + c.get("out_h"));
    }
  }

  @Test
  void clipPreprocessingMatchesClipImageProcessor() {
    for (JsonNode c : FIXTURES.get("clip")) {
      int[] in = ints(c.get("input"));
      byte[] rgb = new byte[in.length];
      for (int i = 0; i < in.length; i++) {
        rgb[i] = (byte) in[i];
      }
      double[] mean = doubles(c.get("mean"));
      double[] std = doubles(c.get("std"));
      ClipImagePreprocessor pre =
          new ClipImagePreprocessor(
              c.get("size").asInt(),
              new float[] {(float) mean[0], (float) mean[1], (float) mean[2]},
              new float[] {(float) std[0], (float) std[1], (float) std[2]},
              ClipImagePreprocessor.Resample.FLOAT,
              ClipImagePreprocessor.Crop.CENTER);
      float[] out =
          pre.preprocess(new RgbImage(c.get("in_w").asInt(), c.get("in_h").asInt(), rgb)).data();
      assertClose(
          doubles(c.get("output")),
          Fixtures.toDoubles(out),
          1e-5,
          1e-5,
          "CLIP preprocessing of " + c.get("in_w") + "x" + c.get("in_h"));
    }
  }
}
