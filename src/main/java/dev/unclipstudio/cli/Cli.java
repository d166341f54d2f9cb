package dev.unclipstudio.cli;

import dev.unclipstudio.job.RequestRules;
import dev.unclipstudio.pipeline.CancellationToken;
import dev.unclipstudio.pipeline.Engine;
import dev.unclipstudio.pipeline.GeneratedImage;
import dev.unclipstudio.pipeline.ImageMetadata;
import dev.unclipstudio.pipeline.InpaintRequest;
import dev.unclipstudio.pipeline.InterpolationRequest;
import dev.unclipstudio.pipeline.RequestKind;
import dev.unclipstudio.pipeline.StepListener;
import dev.unclipstudio.pipeline.TextToImageRequest;
import dev.unclipstudio.pipeline.VariationRequest;
import dev.unclipstudio.pipeline.image.ImageDecoder;
import dev.unclipstudio.pipeline.image.ImageLimits;
import dev.unclipstudio.pipeline.image.ImageSize;
import dev.unclipstudio.pipeline.image.InvalidImageException;
import dev.unclipstudio.pipeline.image.PngCodec;
import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.onnx.EngineOptions;
import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.pipeline.pack.ModelPackException;
import dev.unclipstudio.pipeline.pack.PackCheck;
import dev.unclipstudio.pipeline.pack.StageSpec;
import dev.unclipstudio.pipeline.sampling.StageOverrides;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code generate | variations | interpolate | inpaint | pack-info | check-pack}: the engine from a
 * terminal. Images are written as PNGs carrying their parameters; progress goes to stderr.
 */
public final class Cli {

  private static final Set<String> COMMANDS =
      Set.of("generate", "variations", "interpolate", "inpaint", "pack-info", "check-pack");

  private static final Set<String> COMMON =
      Set.of("pack", "out", "seed", "images", "steps", "guidance", "device", "threads");
  private static final Set<String> FLAGS = Set.of("quiet", "low-memory");
  private static final Set<String> HELP = Set.of("help", "--help", "-h");

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

  int execute(String... args) {
    if (args.length > 0 && HELP.contains(args[0])) {
      out.println(usage());
      return 0;
    }
    if (args.length == 0 || !COMMANDS.contains(args[0])) {
      err.println(
          args.length == 0 ? usage() : "error: unknown command " + args[0] + "\n" + usage());
      return 2;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    try {
      return switch (args[0]) {
        case "generate" -> generate(parse(rest, "prior-steps", "prior-guidance"));
        case "variations" -> variations(parse(rest));
        case "interpolate" -> interpolate(parse(rest, "frames"));
        case "inpaint" -> inpaint(parse(rest, "mask"));
        case "check-pack" -> checkPack(parse(rest, "atol"));
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
    Set<String> allowed = new HashSet<>(COMMON);
    allowed.addAll(List.of(extra));
    Arguments arguments = Arguments.parse(words, allowed, FLAGS);
    // the studio's step, guidance and seed ranges and messages: the CLI refuses what the pages and
    // the
    // API refuse
    for (String name : List.of("steps", "prior-steps")) {
      refuseIf(name, RequestRules.STEPS.problem(arguments.intOption(name)));
    }
    for (String name : List.of("guidance", "prior-guidance")) {
      refuseIf(name, RequestRules.GUIDANCE.problem(arguments.doubleOption(name)));
    }
    Integer images = arguments.intOption("images");
    refuseIf(
        "seed",
        RequestRules.seedProblem(arguments.longOption("seed"), images == null ? 1 : images));
    return arguments;
  }

  private static void refuseIf(String option, Optional<String> problem) throws UsageException {
    if (problem.isPresent()) {
      throw new UsageException("--" + option + ": " + problem.get());
    }
  }

  static String usage() {
    return String.join(
        "\n",
        "usage: bin/studio                 start the studio (no arguments)",
        "       bin/studio COMMAND [...]   run the engine from the command line, without the studio:",
        "  generate \"prompt\" [--images N] [--seed S] [--out DIR] [--steps N] [--guidance X]"
            + " [--prior-steps N] [--prior-guidance X]",
        "  variations IMAGE [--images N] [--seed S] [--out DIR] [--steps N] [--guidance X]",
        "  interpolate IMAGE_A IMAGE_B [--frames K] [--seed S] [--out DIR] [--steps N] [--guidance X]",
        "  inpaint IMAGE --mask MASK \"prompt\" [--images N] [--seed S] [--out DIR] [--steps N] [--guidance X]",
        "      MASK: white = regenerate, black = keep; the image's own size",
        "  pack-info [DIR]",
        "  check-pack [DIR] [--atol X]   every stage with a check/<stage>.json (written by tools/export)"
            + " against PyTorch; fails above X (default "
            + PackCheck.DEFAULT_ATOL
            + "; float16 packs: "
            + PackCheck.FLOAT16_SCALED_LIMIT
            + " of the largest output value)",
        "  help                             this text",
        "common: [--pack DIR] (default $UNCLIP_PACK or models/tiny) [--device cpu|cuda[:N]] [--threads N] [--quiet]",
        "        [--low-memory]   load each model only while its stage runs (full-size packs on small machines)");
  }

  // ---------------------------------------------------------------- commands

  private int generate(Arguments a)
      throws ModelPackException, InvalidImageException, IOException, UsageException {
    String prompt = single(a, "a prompt");
    List<Long> seeds = seeds(a);
    try (Engine engine = openEngine(a)) {
      notePrompt(prompt, engine, false);
      List<GeneratedImage> images =
          engine.textToImage(
              new TextToImageRequest(
                  prompt, seeds, overrides(a, "prior-steps", "prior-guidance"), decoder(a)),
              listener(a),
              CancellationToken.NEVER);
      return write(
          a,
          engine,
          "generate",
          new ImageMetadata.Origin(RequestKind.TEXT_TO_IMAGE, prompt, List.of()),
          images);
    }
  }

  private int variations(Arguments a)
      throws ModelPackException, InvalidImageException, IOException, UsageException {
    Path file = Path.of(single(a, "an image file"));
    RgbImage source = readImage(file);
    List<Long> seeds = seeds(a);
    try (Engine engine = openEngine(a)) {
      List<GeneratedImage> images =
          engine.variations(
              new VariationRequest(source, null, seeds, decoder(a)),
              listener(a),
              CancellationToken.NEVER);
      return write(a, engine, "variations", origin(RequestKind.VARIATION, "", file), images);
    }
  }

  private int interpolate(Arguments a)
      throws ModelPackException, InvalidImageException, IOException, UsageException {
    if (a.positionals().size() != 2) {
      throw new UsageException("interpolate needs two image files");
    }
    Path firstFile = Path.of(a.positionals().get(0));
    Path secondFile = Path.of(a.positionals().get(1));
    RgbImage first = readImage(firstFile);
    RgbImage second = readImage(secondFile);
    Integer frames = a.intOption("frames");
    long seed = seeds(a).get(0);
    try (Engine engine = openEngine(a)) {
      List<GeneratedImage> images =
          engine.interpolate(
              new InterpolationRequest(
                  engine.imageEmbedding(first),
                  engine.imageEmbedding(second),
                  frames == null ? 5 : frames,
                  seed,
                  decoder(a)),
              listener(a),
              CancellationToken.NEVER);
      return write(
          a,
          engine,
          "interpolate",
          origin(RequestKind.INTERPOLATION, "", firstFile, secondFile),
          images);
    }
  }

  private int inpaint(Arguments a)
      throws ModelPackException, InvalidImageException, IOException, UsageException {
    if (a.positionals().size() != 2) {
      throw new UsageException("inpaint needs an image file and a prompt");
    }
    if (a.option("mask") == null) {
      throw new UsageException("inpaint needs --mask MASK");
    }
    Path sourceFile = Path.of(a.positionals().get(0));
    RgbImage source = readImage(sourceFile);
    RgbImage mask = readImage(Path.of(a.option("mask")));
    Optional<String> maskProblem =
        RequestRules.maskSizeProblem(ImageSize.of(mask), ImageSize.of(source));
    if (maskProblem.isPresent()) {
      throw new UsageException(maskProblem.get());
    }
    String prompt = a.positionals().get(1);
    List<Long> seeds = seeds(a);
    try (Engine engine = openEngine(a)) {
      notePrompt(prompt, engine, true);
      List<GeneratedImage> images =
          engine.inpaint(
              new InpaintRequest(source, mask, prompt, seeds, overrides(a, "steps", "guidance")),
              listener(a),
              CancellationToken.NEVER);
      return write(a, engine, "inpaint", origin(RequestKind.INPAINT, prompt, sourceFile), images);
    }
  }

  /**
   * The studio's notes on how the model reads the prompt (unknown words, a cut); the images are
   * made anyway.
   */
  private void notePrompt(String prompt, Engine engine, boolean inpainting) {
    RequestRules.promptNotes(prompt, engine.pack(), inpainting)
        .forEach(note -> err.println("note: " + note));
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
    out.printf(
        "image size %d px, prompt context %d tokens, unCLIP %s, inpainting %s%n",
        pack.imageSize(),
        pack.maxPromptTokens(),
        pack.hasUnclip() ? "yes" : "no",
        pack.hasInpainting() ? "yes" : "no");
    for (StageSpec s : pack.stages().values()) {
      StringBuilder line =
          new StringBuilder(String.format("  %-18s %s", s.name(), pack.dir().relativize(s.file())));
      if (s.imageSize() != null) {
        line.append(String.format(", %d px", s.imageSize()));
      }
      if (s.scheduler() != null) {
        line.append(
            String.format(
                ", %d steps (%s, %s)",
                s.defaultSteps(),
                s.scheduler().betaSchedule().name().toLowerCase(),
                s.scheduler().predictionType().name().toLowerCase()));
      }
      if (s.guidanceScale() != null) {
        line.append(String.format(", guidance %.1f", s.guidanceScale()));
      }
      out.println(line);
    }
    out.println("signatures ok");
    return 0;
  }

  /**
   * The export check in ONNX Runtime: prints every checked stage's max abs error against the
   * PyTorch outputs the export wrote; exit 1 when one is above the limit or none has a check.
   */
  private int checkPack(Arguments a) throws ModelPackException, UsageException {
    if (a.positionals().size() > 1) {
      throw new UsageException("check-pack takes at most one directory");
    }
    Double atolOption = a.doubleOption("atol");
    Path dir = a.positionals().isEmpty() ? packDir(a) : Path.of(a.positionals().get(0));
    ModelPack pack = ModelPack.open(dir);
    PackCheck.Limit limit =
        atolOption != null ? new PackCheck.Limit(atolOption, false) : PackCheck.Limit.of(pack);
    List<String> stages = PackCheck.checkedStages(pack);
    if (stages.isEmpty()) {
      err.println("error: no stage of " + dir + " has a check/<stage>.json (see tools/export)");
      return 1;
    }
    boolean ok = true;
    for (String stage : stages) {
      PackCheck.StageResult r = PackCheck.run(pack, stage);
      boolean pass = limit.passes(r);
      ok &= pass;
      out.printf(
          "  %-18s max abs error %.3g over %d values (largest %.3g): %s%n",
          stage, r.maxAbsError(), r.values(), r.maxAbsExpected(), pass ? "ok" : "ABOVE " + limit);
    }
    out.println(ok ? "check ok" : "check FAILED");
    return ok ? 0 : 1;
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
      int id =
          device.contains(":") ? Integer.parseInt(device.substring(device.indexOf(':') + 1)) : 0;
      options = EngineOptions.cuda(id);
    } else if (device != null && !device.equals("cpu")) {
      throw new UsageException("--device is cpu or cuda[:N], got " + device);
    }
    Integer threads = a.intOption("threads");
    if (threads != null) {
      options = options.withIntraOpThreads(threads);
    }
    if (a.flag("low-memory")) {
      // the sessions open one at a time, later: check every model's signature now, one at a time
      return Engine.open(ModelPack.open(packDir(a)), options.withLowMemory(true));
    }
    // Engine.open checks every signature on its own sessions: no need to load the models twice
    return Engine.open(ModelPack.readManifest(packDir(a)), options);
  }

  private StepListener listener(Arguments a) {
    return a.flag("quiet") ? StepListener.NONE : new ProgressBar(err, System::nanoTime);
  }

  private static RgbImage readImage(Path file) throws IOException, InvalidImageException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("no such image file: " + file);
    }
    return ImageDecoder.decode(Files.readAllBytes(file), ImageLimits.defaults());
  }

  private static StageOverrides decoder(Arguments a) throws UsageException {
    return overrides(a, "steps", "guidance");
  }

  private static StageOverrides overrides(Arguments a, String steps, String guidance)
      throws UsageException {
    Integer n = a.intOption(steps);
    if (n != null && n < 1) {
      throw new UsageException("--" + steps + " must be at least 1");
    }
    return new StageOverrides(n, a.doubleOption(guidance));
  }

  private static ImageMetadata.Origin origin(RequestKind kind, String prompt, Path... sources) {
    return new ImageMetadata.Origin(
        kind, prompt, Arrays.stream(sources).map(p -> p.getFileName().toString()).toList());
  }

  private int write(
      Arguments a,
      Engine engine,
      String command,
      ImageMetadata.Origin origin,
      List<GeneratedImage> images)
      throws IOException {
    Path dir = Path.of(a.option("out") != null ? a.option("out") : "out");
    Files.createDirectories(dir);
    List<Map<String, String>> texts = ImageMetadata.of(origin, images, engine.pack());
    for (int i = 0; i < images.size(); i++) {
      GeneratedImage g = images.get(i);
      Path file = dir.resolve(String.format("%s-%d-%02d.png", command, g.seed(), i));
      Files.write(file, PngCodec.encode(g.image(), texts.get(i)));
      out.println(file);
    }
    return 0;
  }
}
