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
   * @param hiddenStates [N, C] noisy x_t
   * @param timestep original timestep, repeated for every row
   * @param projEmbedding [N, C] text_embeds
   * @param encoderHiddenStates [N, L, W]
   * @param attentionMask [N, L] token mask
   * @return [N, C] predicted x0 (normalised space)
   */
  public FloatTensor predict(FloatTensor hiddenStates, int timestep, FloatTensor projEmbedding,
      FloatTensor encoderHiddenStates, boolean[] attentionMask) {
    int n = hiddenStates.rows();
    return session.run(Map.of(
        "hidden_states", new StageInput.Floats(hiddenStates),
        "timestep", StageInput.Ints.timestep(timestep, n),
        "proj_embedding", new StageInput.Floats(projEmbedding),
        "encoder_hidden_states", new StageInput.Floats(encoderHiddenStates),
        "attention_mask", new StageInput.Bools(attentionMask, new long[] {n, attentionMask.length / n})))
        .get("predicted_image_embedding");
  }

  @Override
  public void close() {
    session.close();
  }
}
