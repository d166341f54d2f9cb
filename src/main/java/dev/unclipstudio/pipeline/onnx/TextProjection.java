package dev.unclipstudio.pipeline.onnx;

import dev.unclipstudio.pipeline.pack.ModelPackException;
import dev.unclipstudio.pipeline.pack.StageSpec;
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import java.util.Map;

/**
 * unCLIP text projection ({@code text_proj} stage): builds the decoder's conditioning from text and
 * image.
 */
public final class TextProjection implements AutoCloseable {

  private final StageSession session;

  private TextProjection(StageSession session) {
    this.session = session;
  }

  public static TextProjection open(StageSpec spec, EngineOptions options)
      throws ModelPackException {
    return new TextProjection(StageSession.open(spec, options));
  }

  /**
   * @param encoderHiddenStates [N, 4 + L, D] image tokens followed by projected text tokens
   * @param classLabels [N, E] added to the decoder's time embedding
   */
  public record Conditioning(FloatTensor encoderHiddenStates, FloatTensor classLabels) {}

  /**
   * [N, C] image embeddings, [N, C] text_embeds, [N, L, W] hidden states → decoder conditioning.
   */
  public Conditioning project(
      FloatTensor imageEmbeddings, FloatTensor promptEmbeds, FloatTensor textHiddenStates) {
    Map<String, FloatTensor> out =
        session.run(
            Map.of(
                "image_embeddings", new StageInput.Floats(imageEmbeddings),
                "prompt_embeds", new StageInput.Floats(promptEmbeds),
                "text_encoder_hidden_states", new StageInput.Floats(textHiddenStates)));
    return new Conditioning(out.get("encoder_hidden_states"), out.get("class_labels"));
  }

  @Override
  public void close() {
    session.close();
  }
}
