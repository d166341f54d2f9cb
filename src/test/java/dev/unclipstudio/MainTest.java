package dev.unclipstudio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Main's routing, without starting anything: {@code --help} once fell through to starting the
 * server and its embedded database, which CliTest (calling the command line directly) could not
 * see.
 */
class MainTest {

  @Test
  void helpInEverySpellingGoesToTheCommandLineAndPrintsTheUsage() {
    PrintStream console = System.out;
    for (String help : List.of("--help", "-h", "help")) {
      assertTrue(Main.isCommandLine(help), help + " must not start the server");
      // what main runs for it, printing where main prints
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      try {
        assertEquals(0, Cli.run(help), help);
      } finally {
        System.setOut(console);
      }
      assertTrue(out.toString(StandardCharsets.UTF_8).contains("generate"), help);
    }
  }

  @Test
  void anyCommandEvenAMistypedOneGoesToTheCommandLine() {
    assertTrue(Main.isCommandLine("generate", "--prompt", "a red circle"));
    assertTrue(Main.isCommandLine("genrate"));
  }

  @Test
  void noArgumentsStartTheServer() {
    assertFalse(Main.isCommandLine());
  }
}
