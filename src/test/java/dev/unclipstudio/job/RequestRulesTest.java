package dev.unclipstudio.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.testing.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The plain rules every channel shares; no Quarkus needed. */
class RequestRulesTest {

  private static final RequestLimits LIMITS = new RequestLimits(300, 8);

  private static Map<String, String> problemsOf(JobCommand command) {
    RequestProblems problems = new RequestProblems(LIMITS, Map.of());
    command.check(problems);
    return problems.asMap();
  }

  @Test
  void aPromptLongerThanTheTextEncoderReadsSaysHowManyWordsAreCut() throws Exception {
    ModelPack tiny = ModelPack.readManifest(Fixtures.requireTinyPack());
    assertEquals(
        Optional.empty(),
        RequestRules.promptCut("a small red circle in the top left corner", tiny, false));
    // the tiny pack reads 32 tokens: start, 30 of the prompt's, end; "red" is one token
    String prompt = ("red ".repeat(30) + "blue circle at the top").strip();
    assertEquals(
        Optional.of(
            "The model reads only the first 30 words of this prompt; the last 5 words (“blue circle"
                + " at the top”) are cut off."),
        RequestRules.promptCut(prompt, tiny, false));
    assertEquals(
        Optional.of(
            "The model reads only the first 30 words of this prompt; the last word (“blue”) is cut"
                + " off."),
        RequestRules.promptCut("red ".repeat(30) + "blue", tiny, false));
    assertEquals(Optional.empty(), RequestRules.promptCut("red ".repeat(30).strip(), tiny, false));
  }

  @Test
  void aPromptsNotesNameTheWordsThePackNeverSawThenTheCut() throws Exception {
    ModelPack tiny = ModelPack.readManifest(Fixtures.requireTinyPack());
    assertEquals(
        List.of(),
        RequestRules.promptNotes("a small red circle in the top left corner", tiny, false));
    assertEquals(
        List.of(
            "The model of pack tiny never saw the word “avocado” in training: it will ignore or"
                + " misread it."),
        RequestRules.promptNotes("a red avocado", tiny, true));
    List<String> both = RequestRules.promptNotes("red ".repeat(30) + "blue avocado", tiny, false);
    assertEquals(2, both.size(), both.toString());
    assertTrue(both.get(0).contains("“avocado”"), both.get(0));
    assertTrue(both.get(1).contains("the last 2 words (“blue avocado”) are cut off"), both.get(1));
  }

  @Test
  void aPackWithoutInpaintingRefusesInpaintingOnlyAndWithOneStatusForEveryChannel() {
    RequestRules.PackAbilities plain = new RequestRules.PackAbilities("plain", true, false);
    Optional<String> problem = RequestRules.packProblem(plain, JobKind.INPAINT);
    assertEquals(Optional.of("The model pack plain has no inpainting model."), problem);
    for (JobKind kind :
        new JobKind[] {JobKind.TEXT_TO_IMAGE, JobKind.VARIATION, JobKind.INTERPOLATION}) {
      assertTrue(RequestRules.packProblem(plain, kind).isEmpty(), kind.name());
      assertEquals(
          Optional.of("The model pack glide does inpainting only: use Inpaint, or another pack."),
          RequestRules.packProblem(new RequestRules.PackAbilities("glide", false, true), kind));
    }
    assertTrue(
        RequestRules.packProblem(
                new RequestRules.PackAbilities("tiny", true, true), JobKind.INPAINT)
            .isEmpty());
    // the pages and the API both answer with the outcome's status: 400, with this message
    SubmitOutcome refused = SubmitOutcome.refused(SubmitOutcome.Result.INVALID, problem.get());
    assertEquals(400, refused.result().status());
    assertEquals(problem.get(), refused.formMessage());
  }

  @Test
  void stepsAndGuidanceRangesAreTheSameForEveryStage() {
    assertEquals(Optional.of("Use a number from 1 to 250."), RequestRules.STEPS.problem(0));
    assertEquals(Optional.of("Use a number from 1 to 250."), RequestRules.STEPS.problem(251));
    assertTrue(RequestRules.STEPS.problem(null).isEmpty());
    assertEquals(
        Optional.of("Use a number from 0 to 30."), RequestRules.GUIDANCE.problem(Double.NaN));
    assertEquals(Optional.of("Use a number from 0 to 30."), RequestRules.GUIDANCE.problem(30.5));
    assertTrue(RequestRules.GUIDANCE.problem(30.0).isEmpty());
    assertEquals(
        Map.of(
            "steps", "Use a number from 1 to 250.", "guidanceScale", "Use a number from 0 to 30."),
        problemsOf(new InpaintCommand(1L, null, new byte[1], "a star", 1, 0, 31.0)));
    assertEquals(
        Map.of(
            "decoderSteps",
            "Use a number from 1 to 250.",
            "decoderGuidanceScale",
            "Use a number from 0 to 30."),
        problemsOf(VariationCommand.ofGalleryImage(1, 1, 0, 31.0)));
  }

  @Test
  void promptsAreCheckedAfterNormalisation() {
    assertEquals(
        Map.of("prompt", RequestRules.PROMPT_EMPTY),
        problemsOf(new TextToImageCommand(" \t\n ", 1, null, null, null, null, null)));
    assertEquals(
        Map.of("prompt", "Use at most 300 characters (this one has 301)."),
        problemsOf(new InpaintCommand(1L, null, new byte[1], "b".repeat(301), 1, null, null)));
  }

  @Test
  void interpolationNeedsTwoDifferentImagesAndSensibleFrames() {
    assertEquals(
        Map.of("images", RequestRules.TWO_IMAGES, "frames", "Use a number from 2 to 16."),
        problemsOf(new InterpolationCommand(1L, null, 17, null)));
    assertEquals(
        Map.of("images", RequestRules.TWO_DIFFERENT_IMAGES, "seed", RequestRules.SEED_OUT_OF_RANGE),
        problemsOf(new InterpolationCommand(3L, 3L, 5, -1L)));
  }

  @Test
  void seedsStayInARangeWhereSeedPlusTheImageIndexNeverWraps() {
    String message = "Use a seed from 0 to 4503599627370496, or leave it empty for a random seed.";
    assertEquals(Optional.of(message), RequestRules.seedProblem(-1L, 1));
    assertEquals(Optional.of(message), RequestRules.seedProblem(Long.MAX_VALUE - 3, 1));
    assertEquals(Optional.of(message), RequestRules.seedProblem(RequestRules.MAX_SEED + 1, 1));
    assertTrue(RequestRules.seedProblem(0L, 8).isEmpty());
    assertTrue(RequestRules.seedProblem(null, 8).isEmpty());
    assertTrue(RequestRules.seedProblem(RequestRules.MAX_SEED, 1).isEmpty());
    String eight =
        "With 8 images use a first seed from 0 to 4503599627370489 (image i gets seed + i), or"
            + " leave it empty for a random seed.";
    assertEquals(
        Map.of("seed", eight),
        problemsOf(
            new TextToImageCommand("a star", 8, Long.MAX_VALUE - 3, null, null, null, null)));
    assertEquals(
        Map.of("seed", eight),
        problemsOf(
            new TextToImageCommand(
                "a star", 8, RequestRules.MAX_SEED - 6, null, null, null, null)));
  }

  /**
   * The largest request the rule allows: its last image's seed, given alone (as the image page's
   * "make again with this seed" gives it), is a seed the rule takes.
   */
  @Test
  void everyImageOfTheLargestAllowedRequestCanBeMadeAgainAlone() {
    long first = RequestRules.largestFirstSeed(8);
    TextToImageCommand highest = new TextToImageCommand("a star", 8, first, null, null, null, null);
    assertTrue(problemsOf(highest).isEmpty());
    List<Long> seeds = highest.toParams().seeds();
    assertEquals(RequestRules.MAX_SEED, seeds.get(7));
    for (long seed : seeds) {
      assertTrue(
          problemsOf(new TextToImageCommand("a star", 1, seed, null, null, null, null)).isEmpty(),
          "seed " + seed);
      assertTrue(seed < 1L << 53, "exact in JavaScript: " + seed);
    }
  }

  @Test
  void aFormFieldThatCouldNotBeReadKeepsItsOwnMessage() {
    FormFields fields = new FormFields(LIMITS);
    TextToImageCommand command =
        new SubmitForm("a cross", "two", "x", "ten", "", "", "NaN").toCommand(fields);
    RequestProblems problems = new RequestProblems(LIMITS, fields.problems());
    command.check(problems);
    assertEquals(
        Map.of(
            "images",
            "Use a whole number from 1 to 8.",
            "seed",
            RequestRules.SEED_UNPARSABLE,
            "priorSteps",
            "Use a whole number from 1 to 250.",
            "decoderGuidanceScale",
            "Use a number from 0 to 30."),
        problems.asMap());
  }
}
