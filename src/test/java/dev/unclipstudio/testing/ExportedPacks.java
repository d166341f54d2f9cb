package dev.unclipstudio.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.pipeline.pack.ModelPackException;
import dev.unclipstudio.pipeline.pack.PackCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The small packs that tools/export wrote from the original code (src/test/packs), made whole in a
 * temporary folder: their tokenizer files are not ours to commit, so they are copied in from
 * ../shared. Skips the caller when either is absent.
 */
public final class ExportedPacks {

  private ExportedPacks() {}

  /**
   * Every stage with a check file ran in ONNX Runtime against the outputs its PyTorch module gave
   * at export: exactly {@code stages}, each within {@code atol}.
   */
  public static void assertGraphsMatchTheirModules(ModelPack pack, List<String> stages, double atol)
      throws ModelPackException {
    assertEquals(stages, PackCheck.checkedStages(pack));
    for (String stage : stages) {
      PackCheck.StageResult r = PackCheck.run(pack, stage);
      assertTrue(r.values() > 0, stage + ": values compared");
      assertTrue(
          r.maxAbsError() <= atol, stage + ": ORT vs PyTorch max abs error " + r.maxAbsError());
    }
  }

  /**
   * A copy of {@code pack} under {@code temp} with {@code files} of {@code vocabulary} in its
   * tokenizer folder.
   */
  public static Path copyWithVocabulary(
      Path pack, Path temp, Path vocabulary, List<String> files, String what) throws IOException {
    Fixtures.requireFile(pack.resolve("pack.json"), what);
    Fixtures.requireFile(vocabulary.resolve(files.get(0)), "vocabulary in " + vocabulary);
    Path dir = temp.resolve(pack.getFileName().toString());
    try (Stream<Path> walk = Files.walk(pack)) {
      for (Path p : walk.toList()) {
        Path dest = dir.resolve(pack.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else if (!p.startsWith(pack.resolve("tokenizer"))) { // a local export's own copy
          Files.copy(p, dest);
        }
      }
    }
    Files.createDirectories(dir.resolve("tokenizer"));
    for (String file : files) {
      Files.copy(vocabulary.resolve(file), dir.resolve("tokenizer").resolve(file));
    }
    return dir;
  }
}
