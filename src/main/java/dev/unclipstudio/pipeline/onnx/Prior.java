package dev.unclipstudio.pipeline.onnx;

import dev.unclipstudio.pipeline.pack.ModelPackException;
import dev.unclipstudio.pipeline.pack.StageSpec;
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import java.util.Map;

/** The diffusion prior ({@code prior} stage): predicts the normalised CLIP image embedding x0. */
public final class Prior implements AutoCloseable {

  private final StageSession session;

  private Prior(StageSession session) {
    this.session = session;
  }

  public static Prior open(StageSpec spec, EngineOptions options) throws ModelPackException {
    return new Prior(StageSession.open(spec, options));
  }

  /**
   * The calls of one sampling loop, the text conditioning fixed; each step feeds x_t as {@code
   * hidden_states}.
   *
   * @param projEmbedding [N, C] text_embeds
   * @param encoderHiddenStates [N, L, W]
   * @param attentionMask [N, L] token mask
   * @return steps whose output is [N, C], the predicted x0 (normalised space)
   */
  public StageSteps steps(
      FloatTensor projEmbedding, FloatTensor encoderHiddenStates, boolean[] attentionMask) {
    int n = projEmbedding.rows();
    return session.steps(
        Map.of(
            "hidden_states", new StageInput.Floats(FloatTensor.zeros(projEmbedding.shape())),
            "timestep", StageInput.Ints.timestep(0, n),
            "proj_embedding", new StageInput.Floats(projEmbedding),
            "encoder_hidden_states", new StageInput.Floats(encoderHiddenStates),
            "attention_mask",
                new StageInput.Bools(attentionMask, new long[] {n, attentionMask.length / n})),
        "hidden_states",
        "timestep");
  }

  @Override
  public void close() {
    session.close();
  }
}
