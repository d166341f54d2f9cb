package dev.unclipstudio.pipeline.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.pipeline.pack.ModelPackException;
import dev.unclipstudio.pipeline.pack.StageSpec;
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import dev.unclipstudio.testing.FixtureTensor;
import dev.unclipstudio.testing.Fixtures;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A sampling loop's bound calls ({@link StageSession#steps}) give exactly what one-off calls give
 * on the same values, step after step: x_t lands in every guidance copy and beside the constant
 * channels, the timestep in every row, and the pinned output is the new one each time.
 */
class StageStepsTest {

  @Test
  void decoderStepsEqualOneOffRunsWithTheSampleInBothGuidanceHalves() throws Exception {
    ModelPack pack = ModelPack.readManifest(Fixtures.requireTinyPack());
    StageSpec spec = pack.stage(ModelPack.DECODER);
    long[] hiddenShape = spec.inputs().get("text_hidden_states").shape(); // [batch, L, W]
    int c = (int) spec.inputs().get("image_embeds").shape()[1];
    int l = (int) hiddenShape[1];
    boolean[] mask = new boolean[2 * l];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = i % l < 3 + 5 * (i / l); // rows of 3 and 8 tokens
    }
    Decoder.Conditioning cond =
        new Decoder.Conditioning(
            FloatTensor.fromDoubles(noise(2 * c, 1), 2, c),
            FloatTensor.fromDoubles(noise(2 * c, 2), 2, c),
            FloatTensor.fromDoubles(noise(2 * l * (int) hiddenShape[2], 3), 2, l, hiddenShape[2]),
            mask);
    int side = spec.imageSize();
    try (Decoder decoder = Decoder.open(spec, EngineOptions.cpu());
        StageSession session = StageSession.open(spec, EngineOptions.cpu());
        StageSteps steps = decoder.steps(side, cond)) {
      for (int timestep : new int[] {999, 500, 0}) {
        double[] x = noise(3 * side * side, timestep); // one image, fed as both rows
        float[] twice = new float[2 * x.length];
        for (int i = 0; i < twice.length; i++) {
          twice[i] = (float) x[i % x.length];
        }
        FloatTensor expected =
            session
                .run(
                    Map.of(
                        "sample", new StageInput.Floats(FloatTensor.of(twice, 2, 3, side, side)),
                        "timestep", StageInput.Ints.timestep(timestep, 2),
                        "image_embeds", new StageInput.Floats(cond.imageEmbeds()),
                        "text_embeds", new StageInput.Floats(cond.textEmbeds()),
                        "text_hidden_states", new StageInput.Floats(cond.textHiddenStates()),
                        "attention_mask", new StageInput.Bools(mask, new long[] {2, l})))
                .get("out_sample");
        assertArrayEquals(
            expected.data(), values(steps.step(x, 2, timestep)), "decoder at t=" + timestep);
      }
    }
  }

  @Test
  void upsamplerStepsKeepTheLowResImageBesideEachNewSample() throws Exception {
    StageSpec spec = superResSpec();
    FloatTensor upsampled = fixtureLowRes();
    try (Upsampler upsampler = Upsampler.open(spec, EngineOptions.cpu());
        StageSession session = StageSession.open(spec, EngineOptions.cpu());
        StageSteps steps = upsampler.steps(upsampled)) {
      for (int timestep : new int[] {999, 0}) {
        double[] x = noise(2 * upsampled.rowSize(), timestep);
        assertArrayEquals(
            oneOff(session, x, upsampled, timestep),
            values(steps.step(x, 1, timestep)),
            "super-res at t=" + timestep);
      }
    }
  }

  @Test
  void aClosedLoopsBuffersServeTheNextLoopOfTheSameShapesWithItsOwnValues() throws Exception {
    StageSpec spec = superResSpec();
    FloatTensor first = fixtureLowRes();
    float[] flipped = first.data().clone();
    for (int i = 0; i < flipped.length; i++) {
      flipped[i] = -flipped[i];
    }
    FloatTensor second = FloatTensor.of(flipped, first.shape());
    double[] x = noise(2 * first.rowSize(), 7);
    try (Upsampler upsampler = Upsampler.open(spec, EngineOptions.cpu());
        StageSession session = StageSession.open(spec, EngineOptions.cpu())) {
      StageSteps reused;
      try (StageSteps steps = upsampler.steps(first)) {
        steps.step(x, 1, 500);
        reused = steps;
      }
      try (StageSteps steps = upsampler.steps(second)) {
        assertSame(reused, steps, "same shapes: the closed loop's buffers");
        assertArrayEquals(
            oneOff(session, x, second, 500),
            values(steps.step(x, 1, 500)),
            "the second loop's low-res channels");
        try (StageSteps oneImage = upsampler.steps(second.rows(0, 1))) {
          assertNotSame(steps, oneImage, "other shapes: new buffers");
        }
      }
    }
  }

  private static StageSpec superResSpec() throws ModelPackException {
    return ModelPack.readManifest(Fixtures.requireTinyPack()).stage(ModelPack.SUPER_RES_FIRST);
  }

  /** The low-res input of the tiny pack's super-res fixture: [2, 3, U, U]. */
  private static FloatTensor fixtureLowRes() {
    return FixtureTensor.of(
            Fixtures.readJson(Fixtures.requireTinyFixture("stage_super_res_first.json"))
                .get("inputs")
                .get("low_res"))
        .toFloatTensor();
  }

  /** The super-res output of one plain call on x_t beside {@code lowRes} (two images). */
  private static float[] oneOff(
      StageSession session, double[] x, FloatTensor lowRes, int timestep) {
    return session
        .run(
            Map.of(
                "sample", new StageInput.Floats(FloatTensor.fromDoubles(x, lowRes.shape())),
                "timestep", StageInput.Ints.timestep(timestep, 2),
                "low_res", new StageInput.Floats(lowRes)))
        .get("out_sample")
        .data();
  }

  private static double[] noise(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = random.nextGaussian();
    }
    return x;
  }

  private static float[] values(FloatBuffer buffer) {
    float[] out = new float[buffer.remaining()];
    buffer.get(out);
    return out;
  }
}
