package dev.unclipstudio.pipeline.onnx;

import static dev.unclipstudio.testing.Fixtures.assertContains;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.pipeline.pack.ModelPackException;
import dev.unclipstudio.testing.Fixtures;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A pack that cannot be held whole is refused before loading, with the way out named. */
class MemoryFitTest {

  @Test
  void countsEveryModelFileOnce() throws Exception {
    ModelPack pack = ModelPack.readManifest(Fixtures.requireTinyPack());
    long files = 0;
    for (var file :
        pack.stages().values().stream().map(s -> s.file()).distinct().toList()) { // super_res: 1
      files += Files.size(file);
    }
    assertTrue(files > 1_000_000);
    org.junit.jupiter.api.Assertions.assertEquals(
        files, MemoryFit.weightBytes(pack, List.copyOf(pack.stages().values())));
  }

  @Test
  void aPackThatDoesNotFitIsRefusedWithLowMemoryModeNamed() throws Exception {
    ModelPack pack = ModelPack.readManifest(Fixtures.requireTinyPack());
    ModelPackException e =
        assertThrows(ModelPackException.class, () -> MemoryFit.check(pack, 10_000_000));
    assertContains(e.getMessage(), "pack tiny needs about 61 MB"); // 32 MB of files
    assertContains(e.getMessage(), "but 10 MB is available");
    assertContains(e.getMessage(), "low-memory mode (studio.worker.low-memory=true");
    assertDoesNotThrow(() -> MemoryFit.check(pack, 1_000_000_000L));
  }
}
