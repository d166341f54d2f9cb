package dev.unclipstudio.job;

import dev.unclipstudio.pipeline.image.ImageSize;
import dev.unclipstudio.pipeline.pack.ModelPack;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The limits every job request obeys and the one message for each way of breaking them, for the
 * pages, the API and the CLI alike. Plain Java on purpose (no CDI, no JPA): the CLI runs without
 * either.
 */
public final class RequestRules {

  /** Denoising steps of any stage; empty means the pack's default. */
  public static final IntRange STEPS = new IntRange(1, 250);

  /** Classifier-free guidance scale of any stage; empty means the pack's default. */
  public static final DecimalRange GUIDANCE = new DecimalRange(0, 30);

  /** Frames of an interpolation, both ends included. */
  public static final IntRange FRAMES = new IntRange(2, 16);

  public static final String REQUIRED = "Required.";
  public static final String PROMPT_EMPTY = "Describe the image you want.";

  /**
   * The largest seed of any image, 2^52. Image i of a job gets seed + i, so the first seed of n
   * images may be at most MAX_SEED - (n - 1): then no seed wraps round to a negative number, every
   * seed stays below 2^53, an integer that JavaScript (and so JSON readers in browsers) holds
   * exactly, and every image's own seed is one the form takes, so each can be made again alone.
   */
  public static final long MAX_SEED = 1L << 52;

  public static final String SEED_OUT_OF_RANGE =
      "Use a seed from 0 to %d, or leave it empty for a random seed.".formatted(MAX_SEED);
  public static final String SEED_UNPARSABLE =
      "Use a whole number, or leave it empty for a random seed.";
  public static final String MASK_KEEPS_EVERYTHING =
      "The mask marks nothing to repaint: paint the region to repaint in white.";
  public static final String TWO_IMAGES = "Choose two images.";
  public static final String TWO_DIFFERENT_IMAGES = "Choose two different images.";

  private RequestRules() {}

  /**
   * A mask is painted on its image, pixel for pixel. One of another size is refused rather than
   * stretched: stretching moves the line between what is kept and what is repainted (and with
   * another aspect ratio distorts it), so the result would repaint what the person meant to keep.
   * The editor always paints a mask of the image's size; only uploaded masks can differ.
   */
  public static Optional<String> maskSizeProblem(ImageSize mask, ImageSize image) {
    if (mask.equals(image)) {
      return Optional.empty();
    }
    return Optional.of(
        "The mask is %s but the image is %s: use a mask of the image's size (the editor paints one)."
            .formatted(mask, image));
  }

  /** Images in one job: 1 to the studio's maximum. */
  public static IntRange images(int maxImagesPerJob) {
    return new IntRange(1, maxImagesPerJob);
  }

  /** A prompt after normalisation: not empty, not longer than the studio allows. */
  public static Optional<String> promptProblem(String normalized, int maxLength) {
    if (normalized.isEmpty()) {
      return Optional.of(PROMPT_EMPTY);
    }
    if (normalized.length() > maxLength) {
      return Optional.of(
          "Use at most %d characters (this one has %d).".formatted(maxLength, normalized.length()));
    }
    return Optional.empty();
  }

  /**
   * What to tell the user about how the model will read a prompt: words it never saw in training,
   * then the part its text encoder cuts off. Notes, not refusals: the job runs all the same. The
   * one source of prompt notes for the create pages (before and after submitting), the job JSON and
   * the CLI.
   */
  public static List<String> promptNotes(String prompt, ModelPack pack, boolean inpainting) {
    List<String> notes = new ArrayList<>();
    unknownWords(prompt, pack).ifPresent(notes::add);
    promptCut(prompt, pack, inpainting).ifPresent(notes::add);
    return List.copyOf(notes);
  }

  /** Words the pack lists as never seen ({@link ModelPack#unknownWords}), in one sentence. */
  static Optional<String> unknownWords(String prompt, ModelPack pack) {
    List<String> unknown = pack.unknownWords(prompt);
    if (unknown.isEmpty()) {
      return Optional.empty();
    }
    String quoted = unknown.stream().map(w -> "“" + w + "”").collect(Collectors.joining(", "));
    return Optional.of(
        unknown.size() == 1
            ? "The model of pack %s never saw the word %s in training: it will ignore or misread it."
                .formatted(pack.name(), quoted)
            : "The model of pack %s never saw the words %s in training: it will ignore or misread them."
                .formatted(pack.name(), quoted));
  }

  /**
   * A note, not a refusal, when the model cannot read all of a prompt: its text encoder takes a
   * fixed number of tokens (the tokenizer's context length) and cuts the rest. Counted in whole
   * words, as people wrote them: a word cut in its middle counts as cut. Empty when it all fits, or
   * when the pack has no stage that reads prompts of this kind.
   */
  static Optional<String> promptCut(String prompt, ModelPack pack, boolean inpainting) {
    String stage = inpainting ? ModelPack.INPAINT_BASE : ModelPack.TEXT_ENCODER;
    if (prompt == null || prompt.isBlank() || !pack.hasStage(stage)) {
      return Optional.empty();
    }
    if (readWhole(prompt, pack, stage)) {
      return Optional.empty();
    }
    List<String> words = List.of(prompt.strip().split("\\s+"));
    // the most leading words the model reads in full; none always fit, all do not
    int read = 0;
    int cutAt = words.size();
    while (cutAt - read > 1) {
      int middle = (read + cutAt) >>> 1;
      if (readWhole(String.join(" ", words.subList(0, middle)), pack, stage)) {
        read = middle;
      } else {
        cutAt = middle;
      }
    }
    int cut = words.size() - read;
    String lost = String.join(" ", words.subList(read, words.size()));
    return Optional.of(
        cut == 1
            ? "The model reads only the first %d words of this prompt; the last word (“%s”) is cut off."
                .formatted(read, lost)
            : "The model reads only the first %d words of this prompt; the last %d words (“%s”) are cut off."
                .formatted(read, cut, lost));
  }

  /**
   * Whether the stage's tokenizer keeps every token of the text: its row holds the text's own
   * tokens plus the special ones (start, end) that even an empty text gets. Asked from outside the
   * tokenizer, which stays exactly as the model was trained with.
   */
  private static boolean readWhole(String text, ModelPack pack, String stage) {
    return attended(text, pack, stage)
        == attended("", pack, stage) + pack.tokenizerFor(stage).encode(text).size();
  }

  private static int attended(String text, ModelPack pack, String stage) {
    int count = 0;
    for (boolean attends : pack.tokenizerFor(stage).tokenize(List.of(text)).maskOfRow(0)) {
      count += attends ? 1 : 0;
    }
    return count;
  }

  /**
   * A first seed whose images' seeds (seed to seed + images - 1) all lie from 0 to {@link
   * #MAX_SEED}; null (a random seed) always passes. A count out of its own range is told by {@link
   * #images}; here it counts as at least one.
   */
  public static Optional<String> seedProblem(Long seed, int images) {
    int count = Math.max(1, images);
    return seed != null && (seed < 0 || seed > largestFirstSeed(count))
        ? Optional.of(seedOutOfRange(count))
        : Optional.empty();
  }

  /** The largest first seed of {@code images} images: their last gets {@link #MAX_SEED}. */
  public static long largestFirstSeed(int images) {
    return MAX_SEED - (Math.max(1, images) - 1);
  }

  /** What a seed out of range is told, naming the largest first seed for that many images. */
  static String seedOutOfRange(int images) {
    return images <= 1
        ? SEED_OUT_OF_RANGE
        : ("With %d images use a first seed from 0 to %d (image i gets seed + i), or leave it"
                + " empty for a random seed.")
            .formatted(images, largestFirstSeed(images));
  }

  /**
   * What a pack that cannot run the job's kind answers. The same for the pages and the API: 400
   * with this message, not 503, because retrying will not help — the studio's pack lacks the model,
   * it is not down.
   */
  public static Optional<String> packProblem(PackAbilities pack, JobKind kind) {
    if (kind == JobKind.INPAINT && !pack.inpainting()) {
      return Optional.of("The model pack " + pack.name() + " has no inpainting model.");
    }
    if (kind != JobKind.INPAINT && !pack.unclip()) {
      return Optional.of(
          "The model pack " + pack.name() + " does inpainting only: use Inpaint, or another pack.");
    }
    return Optional.empty();
  }

  /** A request naming a pack the studio does not offer: the same for the pages and the API. */
  public static String unknownPack(String name, List<String> offered) {
    return "There is no model pack named "
        + name
        + "; use one of: "
        + String.join(", ", offered)
        + ".";
  }

  /** What a pack can run: unCLIP (text to image, variations, interpolation) and inpainting. */
  public record PackAbilities(String name, boolean unclip, boolean inpainting) {

    public static PackAbilities of(ModelPack pack) {
      return new PackAbilities(pack.name(), pack.hasUnclip(), pack.hasInpainting());
    }
  }

  /** Whole numbers from min to max inclusive; null (not given) always passes. */
  public record IntRange(int min, int max) {

    public Optional<String> problem(Integer value) {
      return value != null && (value < min || value > max)
          ? Optional.of(outOfRange())
          : Optional.empty();
    }

    public String outOfRange() {
      return "Use a number from %d to %d.".formatted(min, max);
    }

    public String unparsable() {
      return "Use a whole number from %d to %d.".formatted(min, max);
    }
  }

  /** Numbers from min to max inclusive; NaN never passes, null (not given) always does. */
  public record DecimalRange(double min, double max) {

    public Optional<String> problem(Double value) {
      return value != null && !(value >= min && value <= max)
          ? Optional.of(message())
          : Optional.empty();
    }

    /** Out of range and unparsable read the same: the fix is the same. */
    public String message() {
      return "Use a number from %s to %s.".formatted(plain(min), plain(max));
    }

    private static String plain(double v) {
      return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
  }
}
