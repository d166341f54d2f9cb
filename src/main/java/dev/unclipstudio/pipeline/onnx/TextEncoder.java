package dev.unclipstudio.pipeline.onnx;

import dev.unclipstudio.pipeline.pack.ModelPackException;
import dev.unclipstudio.pipeline.pack.StageSpec;
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import dev.unclipstudio.pipeline.text.TokenizedBatch;
import java.util.Map;

/** CLIP text tower ({@code text_encoder} stage): token ids → pooled embedding and hidden states. */
public final class TextEncoder implements AutoCloseable {

  private final StageSession session;

  private TextEncoder(StageSession session) {
    this.session = session;
  }

  public static TextEncoder open(StageSpec spec, EngineOptions options) throws ModelPackException {
    return new TextEncoder(StageSession.open(spec, options));
  }

  /** [N, L] ids → [N, C] text_embeds, [N, L, W] last_hidden_state. */
  public TextEncoding encode(TokenizedBatch tokens) {
    Map<String, FloatTensor> out =
        session.run(
            Map.of(
                "input_ids",
                StageInput.Ints.of(tokens.ids(), tokens.rows(), tokens.contextLength())));
    return new TextEncoding(out.get("text_embeds"), out.get("last_hidden_state"));
  }

  /** "cpu" or "cuda:N". */
  public String device() {
    return session.device();
  }

  @Override
  public void close() {
    session.close();
  }
}
