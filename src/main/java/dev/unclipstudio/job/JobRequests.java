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
 * {@link RequestRules}, the user's right to see every source image, what the active pack can do,
 * then {@link JobSubmission}'s blocklist and limits. Each step's refusal has one status and one
 * message.
 */
@ApplicationScoped
public class JobRequests {

  private final JobSubmission submission;
  private final ImageSources sources;
  private final ActivePack activePack;
  private final RequestLimits limits;

  JobRequests(
      JobSubmission submission, ImageSources sources, ActivePack activePack, StudioConfig config) {
    this.submission = submission;
    this.sources = sources;
    this.activePack = activePack;
    this.limits = RequestLimits.of(config);
  }

  public SubmitOutcome submit(CurrentUser user, JobCommand command) {
    return submit(user, command, Map.of());
  }

  /**
   * As above, for a form whose numbers could not all be read: {@code formProblems} are reported
   * with the rules' problems, and win for their field.
   */
  public SubmitOutcome submit(
      CurrentUser user, JobCommand command, Map<String, String> formProblems) {
    ModelPack pack = activePack.pack();
    if (pack == null) {
      return SubmitOutcome.refused(Result.UNAVAILABLE, activePack.problem());
    }
    RequestProblems problems = new RequestProblems(limits, formProblems);
    command.check(problems);
    if (!problems.isEmpty()) {
      return SubmitOutcome.invalid(problems.asMap());
    }
    // after the rules, so a refused request says nothing about whether the images exist
    if (!sources.allVisible(command.galleryImageIds(), user)) {
      return SubmitOutcome.refused(Result.NOT_FOUND, "No such image.");
    }
    Optional<String> packProblem =
        RequestRules.packProblem(RequestRules.PackAbilities.of(pack), command.kind());
    if (packProblem.isPresent()) {
      return SubmitOutcome.refused(Result.INVALID, packProblem.get());
    }
    try {
      return SubmitOutcome.queued(
          submission.submit(
              user,
              command.kind(),
              command.toParams(),
              pack.name(),
              pack.version(),
              command.inputs()));
    } catch (LimitExceededException e) {
      return SubmitOutcome.refused(Result.OVER_LIMIT, e.getMessage());
    } catch (BlockedPromptException e) {
      return SubmitOutcome.blocked(e.getMessage());
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
