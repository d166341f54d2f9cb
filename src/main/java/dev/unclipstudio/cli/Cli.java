package dev.unclipstudio.cli;

import dev.unclipstudio.job.RequestRules;
import dev.unclipstudio.pipeline.CancellationToken;
import dev.unclipstudio.pipeline.Engine;
import dev.unclipstudio.pipeline.GeneratedImage;
import dev.unclipstudio.pipeline.InpaintRequest;
import dev.unclipstudio.pipeline.InterpolationRequest;
import dev.unclipstudio.pipeline.TextToImageRequest;
import dev.unclipstudio.pipeline.VariationRequest;
import dev.unclipstudio.pipeline.image.ImageDecoder;
import dev.unclipstudio.pipeline.image.ImageLimits;
import dev.unclipstudio.pipeline.image.InvalidImageException;
import dev.unclipstudio.pipeline.image.PngCodec;
import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.onnx.EngineOptions;
import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.pipeline.pack.ModelPackException;
import dev.unclipstudio.pipeline.pack.StageSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code generate | variations | interpolate | inpaint | pack-info}: the engine from a terminal. Images are written
 * as PNGs carrying their parameters; progress goes to stderr.
 */
public final class Cli {

  public static final Set<String> COMMANDS = Set.of("generate", "variations", "interpolate", "inpaint", "pack-info");

  private static final Set<String> COMMON = Set.of("pack", "out", "seed", "images", "steps", "guidance", "device",
      "threads");
  private static final Set<String> FLAGS = Set.of("quiet");

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;

  Cli(PrintStream out, PrintStream err, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.env = env;
  }

  /** Runs one command; returns the process exit code (0 ok, 1 failure, 2 bad usage). */
  public static int run(String... args) {
    return new Cli(System.out, System.err, System.getenv()).execute(args);
  }

  public static boolean isCommand(String word) {
    return COMMANDS.contains(word);
  }

  int execute(String... args) {
    if (args.length == 0 || !COMMANDS.contains(args[0])) {
      err.println(usage());
      return 2;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    try {
      return switch (args[0]) {
        case "generate" -> generate(parse(rest, "prior-steps", "prior-guidance"));
        case "variations" -> variations(parse(rest));
        case "interpolate" -> interpolate(parse(rest, "frames"));
        case "inpaint" -> inpaint(parse(rest, "mask"));
        default -> packInfo(parse(rest));
      };
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.println(usage());
      return 2;
    } catch (ModelPackException | InvalidImageException | IOException | RuntimeException e) {
      err.println();
      err.println("error: " + e.getMessage());
      return 1;
    }
  }

  private static Arguments parse(List<String> words, String... extra) throws UsageException {
    Set<String> allowed = new java.util.HashSet<>(COMMON);
    allowed.addAll(List.of(extra));
    Arguments arguments = Arguments.parse(words, allowed, FLAGS);
    // the studio's step and guidance ranges and messages: the CLI refuses what the pages and the API refuse
    for (String name : List.of("steps", "prior-steps")) {
      refuseIf(name, RequestRules.STEPS.problem(arguments.intOption(name)));
    }
    for (String name : List.of("guidance", "prior-guidance")) {
      refuseIf(name, RequestRules.GUIDANCE.problem(arguments.doubleOption(name)));
    }
    return arguments;
  }

  private static void refuseIf(String option, Optional<String> problem) throws UsageException {
    if (problem.isPresent()) {
      throw new UsageException("--" + option + ": " + problem.get());
    }
  }

  static String usage() {
    return String.join("\n",
        "usage:",
        "  generate \"prompt\" [--images N] [--seed S] [--out DIR] [--steps N] [--guidance X]"
            + " [--prior-steps N] [--prior-guidance X]",
        "  variations IMAGE [--images N] [--seed S] [--out DIR] [--steps N] [--guidance X]",
        "  interpolate IMAGE_A IMAGE_B [--frames K] [--seed S] [--out DIR] [--steps N] [--guidance X]",
        "  inpaint IMAGE --mask MASK \"prompt\" [--images N] [--seed S] [--out DIR] [--steps N] [--guidance X]",
        "      MASK: white = regenerate, black = keep (resized to the pack's image size)",
        "  pack-info [DIR]",
        "common: [--pack DIR] (default $UNCLIP_PACK or models/tiny) [--device cpu|cuda[:N]] [--threads N] [--quiet]");
  }

  // ---------------------------------------------------------------- commands

  private int generate(Arguments a) throws ModelPackException, InvalidImageException, IOException, UsageException {
    String prompt = single(a, "a prompt");
    List<Long> seeds = seeds(a);
    try (Engine engine = openEngine(a)) {
      List<GeneratedImage> images = engine.textToImage(new TextToImageRequest(prompt, seeds, a.intOption("prior-steps"),
          a.doubleOption("prior-guidance"), a.intOption("steps"), a.doubleOption("guidance")), listener(a),
          CancellationToken.NEVER);
      return write(a, engine, "generate", images, prompt);
    }
  }

  private int variations(Arguments a) throws ModelPackException, InvalidImageException, IOException, UsageException {
    RgbImage source = readImage(Path.of(single(a, "an image file")));
    List<Long> seeds = seeds(a);
    try (Engine engine = openEngine(a)) {
      List<GeneratedImage> images = engine.variations(new VariationRequest(source, null, seeds, a.intOption("steps"),
          a.doubleOption("guidance")), listener(a), CancellationToken.NEVER);
      return write(a, engine, "variations", images, "");
    }
  }

  private int interpolate(Arguments a) throws ModelPackException, InvalidImageException, IOException, UsageException {
    if (a.positionals().size() != 2) {
      throw new UsageException("interpolate needs two image files");
    }
    RgbImage first = readImage(Path.of(a.positionals().get(0)));
    RgbImage second = readImage(Path.of(a.positionals().get(1)));
    Integer frames = a.intOption("frames");
    long seed = seeds(a).get(0);
    try (Engine engine = openEngine(a)) {
      List<GeneratedImage> images = engine.interpolate(new InterpolationRequest(engine.imageEmbedding(first),
          engine.imageEmbedding(second), frames == null ? 5 : frames, seed, a.intOption("steps"),
          a.doubleOption("guidance")), listener(a), CancellationToken.NEVER);
      return write(a, engine, "interpolate", images, "");
    }
  }

  private int inpaint(Arguments a) throws ModelPackException, InvalidImageException, IOException, UsageException {
    if (a.positionals().size() != 2) {
      throw new UsageException("inpaint needs an image file and a prompt");
    }
    if (a.option("mask") == null) {
      throw new UsageException("inpaint needs --mask MASK");
    }
    RgbImage source = readImage(Path.of(a.positionals().get(0)));
    RgbImage mask = readImage(Path.of(a.option("mask")));
    String prompt = a.positionals().get(1);
    List<Long> seeds = seeds(a);
    try (Engine engine = openEngine(a)) {
      int size = engine.pack().imageSize();
      List<GeneratedImage> images = engine.inpaint(new InpaintRequest(source, keepMask(mask, size), prompt, seeds,
          a.intOption("steps"), a.doubleOption("guidance")), listener(a), CancellationToken.NEVER);
      return write(a, engine, "inpaint", images, prompt);
    }
  }

  private int packInfo(Arguments a) throws ModelPackException, UsageException {
    if (a.positionals().size() > 1) {
      throw new UsageException("pack-info takes at most one directory");
    }
    Path dir = a.positionals().isEmpty() ? packDir(a) : Path.of(a.positionals().get(0));
    ModelPack pack = ModelPack.open(dir);
    out.printf("%s %s (%s)%n", pack.name(), pack.version(), pack.license());
    if (!pack.description().isEmpty()) {
      out.println(pack.description());
    }
    out.printf("image size %d px, prompt context %d tokens, inpainting %s%n", pack.imageSize(),
        pack.maxPromptTokens(), pack.hasInpainting() ? "yes" : "no");
    for (StageSpec s : pack.stages().values()) {
      StringBuilder line = new StringBuilder(String.format("  %-18s %s", s.name(), pack.dir().relativize(s.file())));
      if (s.imageSize() != null) {
        line.append(String.format(", %d px", s.imageSize()));
      }
      if (s.scheduler() != null) {
        line.append(String.format(", %d steps (%s, %s)", s.defaultSteps(), s.scheduler().betaSchedule()
            .name().toLowerCase(), s.scheduler().predictionType().name().toLowerCase()));
      }
      if (s.guidanceScale() != null) {
        line.append(String.format(", guidance %.1f", s.guidanceScale()));
      }
      out.println(line);
    }
    out.println("signatures ok");
    return 0;
  }

  // ---------------------------------------------------------------- helpers

  private static String single(Arguments a, String what) throws UsageException {
    if (a.positionals().size() != 1) {
      throw new UsageException("expected " + what);
    }
    return a.positionals().get(0);
  }

  private static List<Long> seeds(Arguments a) throws UsageException {
    Integer n = a.intOption("images");
    int count = n == null ? 1 : n;
    if (count < 1) {
      throw new UsageException("--images must be at least 1");
    }
    Long seed = a.longOption("seed");
    long first = seed != null ? seed : new SecureRandom().nextInt(Integer.MAX_VALUE);
    List<Long> seeds = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      seeds.add(first + i);
    }
    return seeds;
  }

  private Path packDir(Arguments a) {
    if (a.option("pack") != null) {
      return Path.of(a.option("pack"));
    }
    String fromEnv = env.get("UNCLIP_PACK");
    return Path.of(fromEnv != null && !fromEnv.isBlank() ? fromEnv : "models/tiny");
  }

  private Engine openEngine(Arguments a) throws ModelPackException, UsageException {
    EngineOptions options = EngineOptions.cpu();
    String device = a.option("device");
    if (device != null && device.startsWith("cuda")) {
      int id = device.contains(":") ? Integer.parseInt(device.substring(device.indexOf(':') + 1)) : 0;
      options = EngineOptions.cuda(id);
    } else if (device != null && !device.equals("cpu")) {
      throw new UsageException("--device is cpu or cuda[:N], got " + device);
    }
    Integer threads = a.intOption("threads");
    if (threads != null) {
      options = options.withIntraOpThreads(threads);
    }
    // Engine.open checks every signature on its own sessions: no need to load the models twice
    return Engine.open(ModelPack.readManifest(packDir(a)), options);
  }

  private dev.unclipstudio.pipeline.StepListener listener(Arguments a) {
    return a.flag("quiet") ? dev.unclipstudio.pipeline.StepListener.NONE : new ProgressBar(err);
  }

  private static RgbImage readImage(Path file) throws IOException, InvalidImageException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("no such image file: " + file);
    }
    return ImageDecoder.decode(Files.readAllBytes(file), ImageLimits.defaults());
  }

  /** White (luminance ≥ 128) = regenerate, so the keep mask is the dark part, at the pack's size. */
  static boolean[] keepMask(RgbImage mask, int size) {
    RgbImage resized = mask.width() == size && mask.height() == size ? mask : nearest(mask, size);
    boolean[] keep = new boolean[size * size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int lum = (299 * resized.get(x, y, 0) + 587 * resized.get(x, y, 1) + 114 * resized.get(x, y, 2)) / 1000;
        keep[y * size + x] = lum < 128;
      }
    }
    return keep;
  }

  /** Nearest-neighbour resize: a mask must stay two-valued. */
  private static RgbImage nearest(RgbImage image, int size) {
    byte[] rgb = new byte[size * size * 3];
    for (int y = 0; y < size; y++) {
      int sy = (int) ((long) y * image.height() / size);
      for (int x = 0; x < size; x++) {
        int sx = (int) ((long) x * image.width() / size);
        for (int c = 0; c < 3; c++) {
          rgb[(y * size + x) * 3 + c] = (byte) image.get(sx, sy, c);
        }
      }
    }
    return new RgbImage(size, size, rgb);
  }

  private int write(Arguments a, Engine engine, String command, List<GeneratedImage> images, String prompt)
      throws IOException {
    Path dir = Path.of(a.option("out") != null ? a.option("out") : "out");
    Files.createDirectories(dir);
    for (int i = 0; i < images.size(); i++) {
      GeneratedImage g = images.get(i);
      Map<String, String> text = new LinkedHashMap<>();
      text.put("prompt", prompt);
      text.put("seed", Long.toString(g.seed()));
      text.put("steps", a.option("steps") != null ? a.option("steps") : "default");
      text.put("guidance", a.option("guidance") != null ? a.option("guidance") : "default");
      text.put("pack", engine.pack().name() + " " + engine.pack().version());
      text.put("command", command);
      Path file = dir.resolve(String.format("%s-%d-%02d.png", command, g.seed(), i));
      Files.write(file, PngCodec.encode(g.image(), text));
      out.println(file);
    }
    return 0;
  }
}
