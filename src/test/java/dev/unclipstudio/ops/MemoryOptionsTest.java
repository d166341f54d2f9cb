package dev.unclipstudio.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * bin/memory-options, the JVM options bin/studio and the container image start with: the heap bound
 * and the collector, run as the launcher runs it and then handed to a real JVM.
 */
class MemoryOptionsTest {

  private static final Path SCRIPT = Path.of("bin/memory-options");

  @Test
  void onOneCpuTheSerialCollectorIsChosenAndTheJvmStartsWithTheOptions() throws Exception {
    assumeTrue(onPath("taskset"), "taskset (util-linux) is needed to run the script on one CPU");
    String options = run(List.of("taskset", "-c", "0", "sh", SCRIPT.toString()), Map.of());
    assertTrue(options.matches("-Xmx\\d+m -XX:\\+UseSerialGC"), options);
    assertEquals(0, javaVersion(options), "the JVM refused " + options);
  }

  @Test
  void aCollectorNamedInJavaOptsReplacesTheChoiceSoTheJvmIsNotGivenTwo() throws Exception {
    String javaOpts = "-XX:+UseNUMA -XX:+UseG1GC -Xlog:gc";
    String options = run(List.of("sh", SCRIPT.toString()), Map.of("JAVA_OPTS", javaOpts));
    assertFalse(options.contains("GC"), options);
    assertEquals(0, javaVersion(options + " " + javaOpts), "the JVM refused " + options);
  }

  @Test
  void optionsThatNameNoCollectorLeaveTheChoiceInPlace() throws Exception {
    String options =
        run(List.of("sh", SCRIPT.toString()), Map.of("JAVA_OPTS", "-XX:+UseNUMA -Xlog:gc"));
    assertTrue(
        options.matches("-Xmx\\S+ -XX:(\\+UseSerialGC|G1PeriodicGCInterval=60000)"), options);
  }

  @Test
  void theHeapIsBetween256And512MbUnlessStudioHeapSetsIt() throws Exception {
    String options = run(List.of("sh", SCRIPT.toString()), Map.of());
    int mb = Integer.parseInt(options.replaceAll("^-Xmx(\\d+)m.*", "$1"));
    assertTrue(mb >= 256 && mb <= 512, options);
    assertTrue(
        run(List.of("sh", SCRIPT.toString()), Map.of("STUDIO_HEAP", "2g")).startsWith("-Xmx2g"));
  }

  private static String run(List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("JAVA_OPTS");
    pb.environment().remove("STUDIO_HEAP");
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, p.waitFor(), out);
    return out;
  }

  /** The exit status of {@code java OPTIONS -version}, the JVM this test runs on. */
  private static int javaVersion(String options) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(options.split(" ")));
    command.add("-version");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor();
  }

  private static boolean onPath(String program) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
  }
}
