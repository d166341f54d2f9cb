package dev.unclipstudio.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The engine is plain Java + ONNX Runtime: no framework may leak into it. */
class EngineIsolationTest {

  private static final List<String> FORBIDDEN =
      List.of(
          "io.quarkus",
          "jakarta.enterprise",
          "jakarta.persistence",
          "jakarta.inject",
          "io.smallrye",
          "org.hibernate");

  @Test
  void pipelineSourcesImportNoQuarkusCdiOrJpa() throws IOException {
    Path root = Path.of("src/main/java/dev/unclipstudio/pipeline");
    assertTrue(Files.isDirectory(root), "engine sources not found at " + root.toAbsolutePath());
    StringBuilder offences = new StringBuilder();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).trim();
          if (!line.startsWith("import ")) {
            continue;
          }
          for (String prefix : FORBIDDEN) {
            if (line.matches(
                "import\\s+(static\\s+)?" + java.util.regex.Pattern.quote(prefix) + "\\..*")) {
              offences
                  .append(file)
                  .append(':')
                  .append(i + 1)
                  .append(": ")
                  .append(line)
                  .append('\n');
            }
          }
        }
      }
    }
    if (offences.length() > 0) {
      fail("the engine must not depend on frameworks:\n" + offences);
    }
  }
}
