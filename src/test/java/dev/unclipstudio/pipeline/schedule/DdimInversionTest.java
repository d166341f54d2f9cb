package dev.unclipstudio.pipeline.schedule;

import static dev.unclipstudio.testing.Fixtures.assertClose;

import org.junit.jupiter.api.Test;

class DdimInversionTest {

  @Test
  void inversionThenSamplingReturnsTheStartWhenTheNetworkIgnoresItsInput() {
    DiffusionConfig config =
        new DiffusionConfig(
            BetaSchedule.COSINE,
            1000,
            PredictionType.EPSILON,
            VarianceType.FIXED_SMALL_LOG,
            1e9,
            "ddim25");
    DdimScheduler ddim = DdimScheduler.create(config, 0.0);
    double[] start = {0.3, -0.2, 0.1, 0.05};
    double[] eps = {0.1, 0.2, -0.3, 0.4}; // a constant ε makes η = 0 DDIM exactly invertible
    double[] x = start.clone();
    double[] x0 = new double[x.length];
    for (int k = 0; k < ddim.numSteps() - 1; k++) {
      ddim.inverseStep(k, eps, x, x0);
    }
    for (int k = 0; k < ddim.numSteps() - 1; k++) {
      ddim.step(k, eps, x, null, DenoisedHook.NONE, x0);
    }
    assertClose(start, x, 1e-5, 1e-5, "round trip");
  }
}
