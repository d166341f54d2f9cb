package dev.unclipstudio.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unclipstudio.web.CreateFormLink;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a job was asked to do and how long it took, for its page and the API: seeds, settings (null
 * = the pack's default), the pack, the wait in the queue and the run time.
 *
 * @param queueWait from submission to start, or null before it starts
 * @param runTime from start to end, or null before it ends
 */
public record JobDetails(
    JobParams params, String pack, String queueWait, String runTime, String remakeLink) {

  /** Plain: JobParams itself says its stored rows are read leniently. */
  private static final ObjectMapper JSON = new ObjectMapper();

  static JobDetails of(Job job) {
    JobParams params;
    try {
      params = JSON.readValue(job.params, JobParams.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("job " + job.id + " has unreadable params", e);
    }
    return new JobDetails(
        params,
        job.packName + " " + job.packVersion,
        between(job.createdAt, job.startedAt),
        job.finishedAt == null ? null : between(job.startedAt, job.finishedAt),
        job.kind == JobKind.TEXT_TO_IMAGE ? remakeLink(params, job.packName) : null);
  }

  /** The create page with this job's prompt alone. */
  public String promptLink() {
    return CreateFormLink.forPrompt(params.prompt()).toString();
  }

  /** The seeds as people read them: "7", "7, 8, 9". */
  public String seeds() {
    List<Long> seeds = params.seeds();
    return seeds == null
        ? ""
        : seeds.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }

  /**
   * The create page filled in to make the same images again: prompt, first seed, count, settings.
   */
  private static String remakeLink(JobParams p, String pack) {
    CreateFormLink link = CreateFormLink.forPrompt(p.prompt()).pack(pack);
    if (p.seeds() != null && !p.seeds().isEmpty()) {
      link.images(p.seeds().size()).seed(p.seeds().get(0));
    }
    return link.priorSteps(p.priorSteps())
        .priorGuidanceScale(p.priorGuidanceScale())
        .decoderSteps(p.decoderSteps())
        .decoderGuidanceScale(p.decoderGuidanceScale())
        .toString();
  }

  private static String between(OffsetDateTime from, OffsetDateTime to) {
    if (from == null || to == null) {
      return null;
    }
    return spoken(Math.max(0, Duration.between(from, to).toSeconds()));
  }

  /** A span as the pages say it: "42 s", "3 min 5 s". */
  public static String spoken(long seconds) {
    return seconds < 60 ? seconds + " s" : (seconds / 60) + " min " + (seconds % 60) + " s";
  }
}
