package dev.unclipstudio.pipeline.onnx;

import dev.unclipstudio.pipeline.pack.ModelPackException;
import dev.unclipstudio.pipeline.pack.StageSpec;
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import java.util.Map;

/** The unCLIP decoder UNet ({@code decoder} stage): ε ‖ v at the base resolution. */
public final class Decoder implements AutoCloseable {

  private final StageSession session;

  private Decoder(StageSession session) {
    this.session = session;
  }

  public static Decoder open(StageSpec spec, EngineOptions options) throws ModelPackException {
    return new Decoder(StageSession.open(spec, options));
  }

  /**
   * The calls of one sampling loop, the conditioning fixed; each step feeds x_t as {@code sample}.
   *
   * @param side S
   * @param encoderHiddenStates [N, 4 + L, D]
   * @param classLabels [N, E]
   * @param attentionMask [N, 4 + L]: four true image-token positions, then the token mask
   * @return steps whose output is [N, 6, S, S] ε ‖ v
   */
  public StageSteps steps(
      int side, FloatTensor encoderHiddenStates, FloatTensor classLabels, boolean[] attentionMask) {
    int n = classLabels.rows();
    return session.steps(
        Map.of(
            "sample", new StageInput.Floats(FloatTensor.zeros(n, 3, side, side)),
            "timestep", StageInput.Ints.timestep(0, n),
            "encoder_hidden_states", new StageInput.Floats(encoderHiddenStates),
            "class_labels", new StageInput.Floats(classLabels),
            "attention_mask",
                new StageInput.Bools(attentionMask, new long[] {n, attentionMask.length / n})),
        "sample",
        "timestep");
  }

  @Override
  public void close() {
    session.close();
  }
}
