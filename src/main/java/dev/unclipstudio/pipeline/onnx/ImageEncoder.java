package dev.unclipstudio.pipeline.onnx;

import dev.unclipstudio.pipeline.pack.ModelPackException;
import dev.unclipstudio.pipeline.pack.StageSpec;
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import java.util.Map;

/** CLIP image tower ({@code image_encoder} stage). */
public final class ImageEncoder implements AutoCloseable {

  private final StageSession session;

  private ImageEncoder(StageSession session) {
    this.session = session;
  }

  public static ImageEncoder open(StageSpec spec, EngineOptions options) throws ModelPackException {
    return new ImageEncoder(StageSession.open(spec, options));
  }

  /** [N, 3, S, S] preprocessed pixels → [N, C] raw image embeddings. */
  public FloatTensor encode(FloatTensor pixelValues) {
    return session
        .run(Map.of("pixel_values", new StageInput.Floats(pixelValues)))
        .get("image_embeds");
  }

  @Override
  public void close() {
    session.close();
  }
}
