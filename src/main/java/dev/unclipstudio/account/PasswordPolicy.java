package dev.unclipstudio.account;

import com.nulabinc.zxcvbn.Feedback;
import com.nulabinc.zxcvbn.Strength;
import com.nulabinc.zxcvbn.Zxcvbn;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which passwords the studio accepts: 8 characters to 72 bytes (bcrypt ignores the rest), and not
 * easy to guess by zxcvbn's estimate, which knows common passwords, keyboard runs, repeats, dates
 * and (given as user inputs) the user's name and the studio's. A list of our own would miss most of
 * that.
 */
public final class PasswordPolicy {

  /**
   * zxcvbn's score 3, "safely unguessable": about 10^8 guesses or more, enough against online
   * guessing and a bcrypt hash taken offline; 2 lets "long enough" through.
   */
  static final int MIN_SCORE = 3;

  private static final Zxcvbn ZXCVBN = new Zxcvbn();

  private PasswordPolicy() {}

  /** The message for a password that is refused, or empty when it is accepted. */
  public static Optional<String> problem(String password, String username) {
    if (password == null || password.length() < 8) {
      return Optional.of("Use at least 8 characters.");
    }
    if (password.getBytes(StandardCharsets.UTF_8).length > 72) {
      return Optional.of("Use at most 72 bytes (bcrypt ignores the rest).");
    }
    List<String> known =
        username == null ? List.of("unclip", "studio") : List.of(username, "unclip", "studio");
    Strength strength = ZXCVBN.measure(password, known);
    if (strength.getScore() >= MIN_SCORE) {
      return Optional.empty();
    }
    return Optional.of(tooEasy(strength.getFeedback()));
  }

  private static String tooEasy(Feedback feedback) {
    StringBuilder message = new StringBuilder("This password is too easy to guess.");
    String warning = feedback.getWarning(Locale.ENGLISH);
    if (warning != null && !warning.isBlank()) {
      message.append(' ').append(warning);
    }
    List<String> suggestions = feedback.getSuggestions(Locale.ENGLISH);
    if (suggestions.isEmpty()) {
      message.append(" Add another word or two; uncommon words are better.");
    }
    suggestions.forEach(s -> message.append(' ').append(s));
    return message.toString();
  }
}
