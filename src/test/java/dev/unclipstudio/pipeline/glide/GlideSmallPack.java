package dev.unclipstudio.pipeline.glide;

import dev.unclipstudio.testing.ExportedPacks;
import dev.unclipstudio.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The small random-init GLIDE pack exported by {@code tools/export/glide_export.py --random-init
 * --small} (src/test/packs/glide-small), made whole with GLIDE's GPT-2 BPE files from
 * ../shared/data/glide.
 */
public final class GlideSmallPack {

  public static final Path PACK = Path.of("src/test/packs/glide-small");
  public static final Path FIXTURE =
      Path.of("src/test/resources/fixtures/glide-small/pipeline_inpaint.json");
  private static final Path VOCABULARY = Fixtures.SHARED.resolve("data/glide");

  private GlideSmallPack() {}

  /** A copy of the pack with its tokenizer files, under {@code temp}. */
  public static Path copyWithVocabulary(Path temp) throws IOException {
    return ExportedPacks.copyWithVocabulary(
        PACK, temp, VOCABULARY, List.of("encoder.json.gz", "vocab.bpe.gz"), "small GLIDE pack");
  }
}
