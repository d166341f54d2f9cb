package dev.unclipstudio.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The common and the trivial are refused with a reason; phrases pass. No Quarkus needed. */
class PasswordPolicyTest {

  @Test
  void commonTrivialAndOwnNamePasswordsAreRefused() {
    for (String weak :
        List.of("password", "12345678", "        ", "qwertyuiop", "aaaaaaaaaa", "unclipstudio")) {
      Optional<String> problem = PasswordPolicy.problem(weak, "margaret");
      assertTrue(problem.isPresent(), "accepted " + weak);
      assertTrue(problem.get().startsWith("This password is too easy to guess."), problem.get());
    }
    assertTrue(PasswordPolicy.problem("margaret1907", "margaret1907").isPresent());
    assertTrue(
        PasswordPolicy.problem("password", "x").get().contains("top-10 common password"),
        "says why");
  }

  @Test
  void lengthLimitsComeFirst() {
    assertEquals(Optional.of("Use at least 8 characters."), PasswordPolicy.problem("xK#9", "a"));
    assertEquals(
        Optional.of("Use at most 72 bytes (bcrypt ignores the rest)."),
        PasswordPolicy.problem("é".repeat(37), "a"));
  }

  @Test
  void unusualPhrasesAreAccepted() {
    for (String strong :
        List.of("correct horse", "paint all day", "blue herons sing at dawn", "Tr0ub4dor&3")) {
      assertEquals(Optional.empty(), PasswordPolicy.problem(strong, "margaret"), strong);
    }
  }
}
