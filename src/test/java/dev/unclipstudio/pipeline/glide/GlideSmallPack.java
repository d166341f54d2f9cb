package dev.unclipstudio.pipeline.glide;

import dev.unclipstudio.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The small random-init GLIDE pack exported by {@code tools/export/glide.py --random-init --small}
 * (src/test/packs/glide-small), made whole in a temporary folder: GLIDE's GPT-2 BPE files are not
 * committed, so they are copied in from ../shared/data/glide. Skips the caller when either is
 * absent.
 */
public final class GlideSmallPack {

  public static final Path PACK = Path.of("src/test/packs/glide-small");
  public static final Path FIXTURE =
      Path.of("src/test/resources/fixtures/glide-small/pipeline_inpaint.json");
  private static final Path VOCABULARY = Fixtures.SHARED.resolve("data/glide");

  private GlideSmallPack() {}

  /** A copy of the pack with its tokenizer files, under {@code temp}. */
  public static Path copyWithVocabulary(Path temp) throws IOException {
    Fixtures.requireFile(PACK.resolve("pack.json"), "small GLIDE pack");
    Fixtures.requireFile(
        VOCABULARY.resolve("encoder.json.gz"), "GLIDE vocabulary (../shared/data/glide)");
    Path dir = temp.resolve("glide-small");
    try (Stream<Path> files = Files.walk(PACK)) {
      for (Path p : files.toList()) {
        Path dest = dir.resolve(PACK.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else if (!p.startsWith(PACK.resolve("tokenizer"))) { // a local export's own copy
          Files.copy(p, dest);
        }
      }
    }
    Files.createDirectories(dir.resolve("tokenizer"));
    for (String file : List.of("encoder.json.gz", "vocab.bpe.gz")) {
      Files.copy(VOCABULARY.resolve(file), dir.resolve("tokenizer").resolve(file));
    }
    return dir;
  }
}
