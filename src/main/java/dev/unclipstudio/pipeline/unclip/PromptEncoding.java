package dev.unclipstudio.pipeline.unclip;

import dev.unclipstudio.pipeline.onnx.TextEncoding;
import dev.unclipstudio.pipeline.text.TokenizedBatch;

/**
 * The encoded empty prompt and the encoded prompt (one row each), from one text encoder call on
 * {@code ["", prompt]}.
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
}
