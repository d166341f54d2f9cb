package dev.unclipstudio.pipeline.onnx;

import dev.unclipstudio.pipeline.pack.ModelPackException;
import dev.unclipstudio.pipeline.pack.StageSpec;
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import java.util.Map;

/** A super-resolution UNet ({@code super_res_first} / {@code super_res_last} stage). */
public final class Upsampler implements AutoCloseable {

  private final StageSession session;

  private Upsampler(StageSession session) {
    this.session = session;
  }

  public static Upsampler open(StageSpec spec, EngineOptions options) throws ModelPackException {
    return new Upsampler(StageSession.open(spec, options));
  }

  /**
   * The calls of one sampling loop; each step feeds x_t as {@code sample}, beside the fixed
   * upsampled low-res image ({@code low_res}, as Karlo's SuperResUNetModel takes it).
   *
   * @param upsampled [N, 3, U, U] the low-res image, bicubic-upsampled to U
   * @return steps whose output is [N, 3, U, U] ε
   */
  public StageSteps steps(FloatTensor upsampled) {
    return session.steps(
        Map.of(
            "sample", new StageInput.Floats(FloatTensor.zeros(upsampled.shape())),
            "timestep", StageInput.Ints.timestep(0, upsampled.rows()),
            "low_res", new StageInput.Floats(upsampled)),
        "sample",
        "timestep");
  }

  @Override
  public void close() {
    session.close();
  }
}
