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

  /** [N, 6, U, U] = x_t ‖ upsampled low-res → [N, 3, U, U] ε. */
  public FloatTensor predict(FloatTensor sample, int timestep) {
    return session.run(Map.of(
        "sample", new StageInput.Floats(sample),
        "timestep", StageInput.Ints.timestep(timestep, sample.rows()))).get("out_sample");
  }

  @Override
  public void close() {
    session.close();
  }
}
