package dev.unclipstudio.pipeline.pack;

import dev.unclipstudio.pipeline.text.ClipTokenizer;
import dev.unclipstudio.pipeline.text.Gpt2Tokenizer;
import dev.unclipstudio.pipeline.text.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A named tokenizer of a pack.
 *
 * @param kind "clip-bpe" or "gpt2-bpe"
 * @param merges merges file (both kinds)
 * @param encoder GPT-2 {@code encoder.json.gz}, null for CLIP
 * @param maxMerges CLIP: how many merges to use, null for all
 */
public record TokenizerSpec(
    String name, String kind, Path merges, Path encoder, Integer maxMerges, int contextLength) {

  public Tokenizer load() throws IOException {
    return switch (kind) {
      case "clip-bpe" -> ClipTokenizer.fromMergesFile(merges, contextLength, maxMerges);
      case "gpt2-bpe" -> Gpt2Tokenizer.fromFiles(encoder, merges, contextLength);
      default -> throw new IllegalStateException("unknown tokenizer kind " + kind);
    };
  }
}
