package dev.unclipstudio.job;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.config.StudioConfig;
import dev.unclipstudio.job.SubmitOutcome.Result;
import dev.unclipstudio.pipeline.pack.ModelPack;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;

/**
 * The one way a job request becomes a queued job, for the pages and the API alike: the rules of
 * {@link RequestRules}, the pack it names (or {@link StudioPacks#pick}'s), the user's right to see
 * every source image, what that pack can do, then {@link JobSubmission}'s blocklist and limits.
 * Each step's refusal has one status and one message. An API request with an Idempotency-Key sent
 * before gets what the first one got, before any of these steps ({@link SubmissionKeys}).
 */
@ApplicationScoped
public class JobRequests {

  /** The request field that names the pack, on the forms and in the API. */
  private static final String PACK_FIELD = "pack";

  private final JobSubmission submission;
  private final ImageSources sources;
  private final StudioPacks packs;
  private final RequestLimits limits;
  private final SubmissionKeys keys;

  JobRequests(
      JobSubmission submission,
      ImageSources sources,
      StudioPacks packs,
      StudioConfig config,
      SubmissionKeys keys) {
    this.keys = keys;
    this.submission = submission;
    this.sources = sources;
    this.packs = packs;
    this.limits = RequestLimits.of(config);
  }

  /** {@code pack} is the name of the pack asked for; null or blank for none. */
  public SubmitOutcome submit(CurrentUser user, String pack, JobCommand command) {
    return submit(user, pack, command, Map.of());
  }

  /**
   * As above, for a form whose numbers could not all be read: {@code formProblems} are reported
   * with the rules' problems, and win for their field.
   */
  public SubmitOutcome submit(
      CurrentUser user, String packName, JobCommand command, Map<String, String> formProblems) {
    return submit(user, packName, command, formProblems, null);
  }

  /** As above, once per Idempotency-Key ({@code key}; null for none). */
  public SubmitOutcome submit(
      CurrentUser user,
      String packName,
      JobCommand command,
      Map<String, String> formProblems,
      IdempotencyKey key) {
    if (key != null) {
      Optional<SubmitOutcome> earlier = keys.earlier(user.id(), key);
      if (earlier.isPresent()) {
        return earlier.get();
      }
    }
    PackPick pick = packs.pick(packName, command.kind());
    if (pick.unavailable() != null) {
      return SubmitOutcome.refused(Result.UNAVAILABLE, pick.unavailable());
    }
    RequestProblems problems = new RequestProblems(limits, formProblems);
    if (pick.unknown() != null) {
      problems.add(PACK_FIELD, pick.unknown());
    }
    command.check(problems);
    if (!problems.isEmpty()) {
      return SubmitOutcome.invalid(problems.asMap());
    }
    // after the rules, so a refused request says nothing about whether the images exist
    if (!sources.allVisible(command.galleryImageIds(), user)) {
      return SubmitOutcome.refused(Result.NOT_FOUND, "No such image.");
    }
    Map<String, String> sourceProblems =
        command.checkAgainst(sources.sizes(command.galleryImageIds()));
    if (!sourceProblems.isEmpty()) {
      return SubmitOutcome.invalid(sourceProblems);
    }
    ModelPack pack = pick.pack();
    Optional<String> packProblem =
        RequestRules.packProblem(RequestRules.PackAbilities.of(pack), command.kind());
    if (packProblem.isPresent()) {
      return SubmitOutcome.invalid(PACK_FIELD, packProblem.get());
    }
    try {
      return submission.submit(
          user,
          command.kind(),
          command.toParams(),
          pack.name(),
          pack.version(),
          command.inputs(),
          key);
    } catch (LimitExceededException e) {
      return SubmitOutcome.refused(Result.OVER_LIMIT, e.getMessage());
    } catch (BlockedPromptException e) {
      return SubmitOutcome.invalid("prompt", e.getMessage());
    }
  }

  /**
   * The user's retry of a failed or cancelled job, refused like a new submission when it would go
   * over the blocklist or the limits.
   */
  public SubmitOutcome retry(long jobId) {
    try {
      return submission.retry(jobId)
          ? SubmitOutcome.queued(jobId)
          : SubmitOutcome.refused(
              Result.INVALID, "Only a failed or cancelled job can be retried; this one is not.");
    } catch (LimitExceededException e) {
      return SubmitOutcome.refused(Result.OVER_LIMIT, e.getMessage());
    } catch (BlockedPromptException e) {
      return SubmitOutcome.refused(Result.INVALID, e.getMessage());
    }
  }
}
