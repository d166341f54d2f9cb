package dev.unclipstudio.pipeline.onnx;

import dev.unclipstudio.pipeline.pack.ModelPackException;
import dev.unclipstudio.pipeline.pack.StageSpec;
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import java.util.Map;

/**
 * The unCLIP decoder UNet ({@code decoder} stage): ε ‖ v at the base resolution. It takes the raw
 * conditioning, as Karlo's decoder does, and projects it itself at every step (pack format 2).
 */
public final class Decoder implements AutoCloseable {

  private final StageSession session;

  private Decoder(StageSession session) {
    this.session = session;
  }

  public static Decoder open(StageSpec spec, EngineOptions options) throws ModelPackException {
    return new Decoder(StageSession.open(spec, options));
  }

  /** What one guided batch of rows is conditioned on, N rows each. */
  public record Conditioning(
      FloatTensor imageEmbeds, // [N, C]: the null image embedding in unconditional rows
      FloatTensor textEmbeds, // [N, C]
      FloatTensor textHiddenStates, // [N, L, W]
      boolean[] attentionMask) {} // [N, L]: SOT..EOT

  /**
   * The calls of one sampling loop, the conditioning fixed; each step feeds x_t as {@code sample}.
   *
   * @param side S
   * @return steps whose output is [N, 6, S, S] ε ‖ v
   */
  public StageSteps steps(int side, Conditioning cond) {
    int n = cond.imageEmbeds().rows();
    return session.steps(
        Map.of(
            "sample", new StageInput.Floats(FloatTensor.zeros(n, 3, side, side)),
            "timestep", StageInput.Ints.timestep(0, n),
            "image_embeds", new StageInput.Floats(cond.imageEmbeds()),
            "text_embeds", new StageInput.Floats(cond.textEmbeds()),
            "text_hidden_states", new StageInput.Floats(cond.textHiddenStates()),
            "attention_mask",
                new StageInput.Bools(
                    cond.attentionMask(), new long[] {n, cond.attentionMask().length / n})),
        "sample",
        "timestep");
  }

  @Override
  public void close() {
    session.close();
  }
}
