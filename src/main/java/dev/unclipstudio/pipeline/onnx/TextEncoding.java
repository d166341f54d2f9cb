package dev.unclipstudio.pipeline.onnx;

import dev.unclipstudio.pipeline.tensor.FloatTensor;

/**
 * CLIP text tower output.
 *
 * @param textEmbeds [N, C] pooled at EOT and projected (not normalised)
 * @param lastHiddenState [N, L, W]
 */
public record TextEncoding(FloatTensor textEmbeds, FloatTensor lastHiddenState) {

  public TextEncoding rows(int from, int to) {
    return new TextEncoding(textEmbeds.rows(from, to), lastHiddenState.rows(from, to));
  }
}
