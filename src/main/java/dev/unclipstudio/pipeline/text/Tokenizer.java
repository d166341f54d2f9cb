package dev.unclipstudio.pipeline.text;

import java.util.List;

/**
 * Turns prompts into fixed-length rows of token ids plus a mask of the positions a model should
 * attend to.
 */
public interface Tokenizer {

  /** Length every row is cut or padded to. */
  int contextLength();

  /** Token ids of one prompt without special tokens, padding or truncation. */
  List<Integer> encode(String text);

  /** One row per prompt: ids and mask, each [texts.size(), contextLength] row-major. */
  TokenizedBatch tokenize(List<String> texts);
}
