package dev.unclipstudio.pipeline.pack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The words a pack's text encoder was trained on, from the pack's optional {@code known_words.txt}
 * (one lower-case word per line): a small model trained on a closed vocabulary reads any other word
 * as noise, and its users should hear so before they wait for images. Packs of real CLIP models
 * ship no list; they know too many words for a list to help.
 */
public final class KnownWords {

  public static final String FILE = "known_words.txt";

  /** A word is a run of letters: "top-left" is two words, digits and punctuation are none. */
  private static final Pattern WORD = Pattern.compile("\\p{L}+");

  private final Set<String> words;

  private KnownWords(Set<String> words) {
    this.words = words;
  }

  /** The pack folder's list, or empty when the pack ships none. */
  static Optional<KnownWords> read(Path packDir) throws ModelPackException {
    Path file = packDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ModelPackException(file + " cannot be read: " + e.getMessage(), e);
    }
    Set<String> words = new LinkedHashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String word = lines.get(i).strip();
      if (word.isEmpty()) {
        continue;
      }
      if (!WORD.matcher(word).matches() || !word.equals(word.toLowerCase(Locale.ROOT))) {
        throw new ModelPackException(
            file + " line " + (i + 1) + ": expected one lower-case word, got \"" + word + "\"");
      }
      words.add(word);
    }
    return Optional.of(new KnownWords(Set.copyOf(words)));
  }

  /** The words of {@code text} outside the list, lower-cased, each once, in order of appearance. */
  public List<String> unknownIn(String text) {
    Set<String> unknown = new LinkedHashSet<>();
    Matcher m = WORD.matcher(text == null ? "" : text);
    while (m.find()) {
      String word = m.group().toLowerCase(Locale.ROOT);
      if (!words.contains(word)) {
        unknown.add(word);
      }
    }
    return List.copyOf(unknown);
  }
}
