package dev.unclipstudio.pipeline.schedule;

import static dev.unclipstudio.testing.Fixtures.assertClose;
import static dev.unclipstudio.testing.Fixtures.doubles;
import static dev.unclipstudio.testing.Fixtures.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unclipstudio.testing.Fixtures;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every step of every loop in {@code sampler_golden.json} (Karlo's float64 {@code p_sample} /
 * {@code ddim_sample} with the network replaced by a closed-form function of x and the original
 * timestep).
 */
class SamplerGoldenTest {

  private static final JsonNode GOLDEN = Fixtures.resourceJson("fixtures/sampler_golden.json");
  private static final double RTOL = 1e-6;
  private static final double ATOL = 1e-9;

  @Test
  void betaSchedulesAndCumulativeProductsMatch() {
    for (Map.Entry<String, BetaSchedule> e :
        Map.of("squaredcos_cap_v2", BetaSchedule.COSINE, "linear", BetaSchedule.LINEAR)
            .entrySet()) {
      JsonNode s = GOLDEN.get("schedules").get(e.getKey());
      double[] betas = e.getValue().betas(1000);
      assertClose(doubles(s.get("betas")), betas, 1e-15, 1e-12, e.getKey() + " betas");
      double[] acp = new double[1000];
      double acc = 1;
      for (int t = 0; t < 1000; t++) {
        acp[t] = acc *= 1 - betas[t];
      }
      assertClose(
          doubles(s.get("alphas_cumprod")), acp, 1e-15, 1e-12, e.getKey() + " alphas_cumprod");
    }
  }

  @Test
  void respacingKeepsExactlyTheReferenceTimesteps() {
    Iterator<Map.Entry<String, JsonNode>> it = GOLDEN.get("schedules").get("respacing").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      assertArrayEquals(
          ints(e.getValue()), TimestepRespacing.samplingOrder(e.getKey(), 1000), e.getKey());
    }
  }

  @TestFactory
  List<DynamicTest> ancestralLoopsMatchKarloStepByStep() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : GOLDEN.get("ancestral")) {
      tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> runAncestral(c)));
    }
    return tests;
  }

  @TestFactory
  List<DynamicTest> ddimLoopsMatchKarloStepByStep() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : GOLDEN.get("ddim")) {
      tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> runDdim(c)));
    }
    return tests;
  }

  private static DiffusionConfig configOf(JsonNode c, String variance) {
    return new DiffusionConfig(
        BetaSchedule.named(c.get("schedule").asText()),
        1000,
        PredictionType.named(c.get("prediction").asText()),
        VarianceType.named(variance),
        c.get("clip_x0").asDouble(),
        c.get("respacing").asText());
  }

  private static void runAncestral(JsonNode c) {
    UnclipScheduler scheduler = UnclipScheduler.create(configOf(c, c.get("variance").asText()));
    assertArrayEquals(ints(c.get("timesteps")), scheduler.timesteps());
    boolean learned = scheduler.config().varianceType() == VarianceType.LEARNED_RANGE;
    DenoisedHook hook =
        c.has("inpaint_keep_mask")
            ? keepRegion(doubles(c.get("inpaint_source")), doubles(c.get("inpaint_keep_mask")))
            : DenoisedHook.NONE;
    double[] x = doubles(c.get("x_T"));
    double[] x0 = new double[x.length];
    JsonNode steps = c.get("steps");
    for (int k = 0; k < steps.size(); k++) {
      JsonNode s = steps.get(k);
      int t = s.get("t").asInt();
      assertEquals(scheduler.timesteps()[k], t, "timestep of step " + k);
      double[] modelOutput = new double[x.length];
      double[] variance = new double[x.length];
      for (int j = 0; j < x.length; j++) {
        modelOutput[j] =
            scheduler.config().predictionType() == PredictionType.SAMPLE
                ? 3 * Math.tanh(0.5 * x[j] + t / 1000.0)
                : 0.5 * Math.sin(x[j] + t / 500.0);
        variance[j] = Math.tanh(0.3 * x[j] - 0.1);
      }
      scheduler.step(
          k, modelOutput, learned ? variance : null, x, doubles(s.get("noise")), hook, x0);
      String where = c.get("name").asText() + " step " + k + " (t=" + t + ")";
      assertClose(doubles(s.get("pred_x0")), x0, ATOL, RTOL, where + " pred_x0");
      assertClose(doubles(s.get("x_prev")), x, ATOL, RTOL, where + " x_prev");
    }
  }

  private static void runDdim(JsonNode c) {
    DdimScheduler scheduler =
        DdimScheduler.create(configOf(c, "fixed_small_log"), c.get("eta").asDouble());
    assertArrayEquals(ints(c.get("timesteps")), scheduler.timesteps());
    double[] x = doubles(c.get("x_T"));
    double[] x0 = new double[x.length];
    JsonNode steps = c.get("steps");
    for (int k = 0; k < steps.size(); k++) {
      JsonNode s = steps.get(k);
      int t = s.get("t").asInt();
      double[] eps = new double[x.length];
      for (int j = 0; j < x.length; j++) {
        eps[j] = 0.5 * Math.sin(x[j] + t / 500.0);
      }
      scheduler.step(k, eps, x, doubles(s.get("noise")), DenoisedHook.NONE, x0);
      String where = c.get("name").asText() + " step " + k + " (t=" + t + ")";
      assertClose(doubles(s.get("pred_x0")), x0, ATOL, RTOL, where + " pred_x0");
      assertClose(doubles(s.get("x_prev")), x, ATOL, RTOL, where + " x_prev");
    }
  }

  /** x0 ← x0·(1 − m) + (src·m)·m with a [1,1,H,W] mask broadcast over the channels of [1,C,H,W]. */
  private static DenoisedHook keepRegion(double[] source, double[] mask) {
    return x0 -> {
      for (int j = 0; j < x0.length; j++) {
        double m = mask[j % mask.length];
        x0[j] = x0[j] * (1 - m) + source[j] * m * m;
      }
    };
  }
}
