package dev.unclipstudio.pipeline.unclip;

import dev.unclipstudio.pipeline.onnx.TextEncoding;
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import dev.unclipstudio.pipeline.text.TokenizedBatch;

/**
 * The encoded empty prompt and the encoded prompt (one row each), expanded on demand to the rows a
 * stage feeds.
 *
 * @param uncond "" : text_embeds [1, C], last_hidden_state [1, L, W]
 * @param cond the prompt, same shapes
 * @param uncondMask [L] token mask of ""
 * @param condMask [L] token mask of the prompt
 */
record PromptEncoding(
    TextEncoding uncond, TextEncoding cond, boolean[] uncondMask, boolean[] condMask) {

  static PromptEncoding of(TextEncoding both, TokenizedBatch tokens) {
    return new PromptEncoding(
        both.rows(0, 1), both.rows(1, 2), tokens.maskOfRow(0), tokens.maskOfRow(1));
  }

  /** [uncond × B ; cond × B] when guided, else [cond × B]. */
  TextEncoding rows(int batch, boolean guided) {
    FloatTensor te = cond.textEmbeds().broadcastRows(batch);
    FloatTensor th = cond.lastHiddenState().broadcastRows(batch);
    if (!guided) {
      return new TextEncoding(te, th);
    }
    return new TextEncoding(
        uncond.textEmbeds().broadcastRows(batch).concatRows(te),
        uncond.lastHiddenState().broadcastRows(batch).concatRows(th));
  }

  /** Token masks [N, L] in the same row order. */
  boolean[] mask(int batch, boolean guided) {
    int l = condMask.length;
    int rows = guided ? 2 * batch : batch;
    boolean[] out = new boolean[rows * l];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(guided && r < batch ? uncondMask : condMask, 0, out, r * l, l);
    }
    return out;
  }
}
