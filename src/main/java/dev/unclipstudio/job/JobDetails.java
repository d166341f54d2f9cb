package dev.unclipstudio.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.unclipstudio.web.CreateFormLink;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a job was asked to do and how long it took, for its page and the API: seeds, settings (null
 * = the pack's default), the pack, the wait in the queue and the run time. The last three
 * components serve the job page's reuse buttons and stay out of the API's job.
 *
 * @param queueWait from submission to start, or null before it starts
 * @param runTime from start to end, or null before it ends
 * @param remakeLink the form of the job's kind filled in to make it again, as far as that form
 *     takes the job's inputs; null when none does (the page makes new variations of a gallery image
 *     by posting to that image's variations action, as the image page does)
 * @param packName the pack's name alone, as forms and requests name it
 * @param apiRequest the job as the body of its API request, for "copy parameters"
 * @param apiPath where that request is sent
 */
public record JobDetails(
    JobParams params,
    String pack,
    String queueWait,
    String runTime,
    String remakeLink,
    @JsonIgnore String packName,
    @JsonIgnore String apiRequest,
    @JsonIgnore String apiPath) {

  /** Plain: JobParams itself says its stored rows are read leniently. */
  private static final ObjectMapper JSON = new ObjectMapper();

  /** For "copy parameters": settings left at the pack's defaults are left out, as in a request. */
  private static final ObjectMapper REQUEST =
      JsonMapper.builder().serializationInclusion(JsonInclude.Include.NON_NULL).build();

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
        remakeLink(job.kind, params, job.packName),
        job.packName,
        apiRequest(job.kind, params, job.imageCount, job.packName),
        apiPath(job.kind));
  }

  /** The create page with this job's prompt alone, or null for a job without one. */
  public String promptLink() {
    String prompt = params.prompt();
    return prompt == null || prompt.isBlank() ? null : CreateFormLink.forPrompt(prompt).toString();
  }

  /** The seeds as people read them: "7", "7, 8, 9". */
  public String seeds() {
    List<Long> seeds = params.seeds();
    return seeds == null
        ? ""
        : seeds.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }

  /**
   * The job as the body of its API request ({@link JobApi}): the same names and values, the first
   * seed standing for the consecutive ones. Uploaded images (a source, a mask) are not repeated: a
   * request names a gallery image or sends its own.
   */
  private static String apiRequest(JobKind kind, JobParams p, int images, String pack) {
    Object request =
        switch (kind) {
          case TEXT_TO_IMAGE ->
              new JobApi.TextToImage(
                  p.prompt(),
                  images,
                  firstSeed(p),
                  p.priorSteps(),
                  p.priorGuidanceScale(),
                  p.decoderSteps(),
                  p.decoderGuidanceScale(),
                  pack);
          case VARIATION ->
              new JobApi.Variation(
                  p.sourceImageId(), images, p.decoderSteps(), p.decoderGuidanceScale(), pack);
          case INTERPOLATION ->
              new JobApi.Interpolation(
                  p.sourceImageIds().get(0),
                  p.sourceImageIds().get(1),
                  p.frames(),
                  firstSeed(p),
                  pack);
          case INPAINT ->
              new JobApi.Inpaint(p.sourceImageId(), null, null, p.prompt(), images, pack);
        };
    try {
      return REQUEST.writeValueAsString(request);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Could not write the request of a job", e);
    }
  }

  private static String apiPath(JobKind kind) {
    return "/api/v1/jobs"
        + switch (kind) {
          case TEXT_TO_IMAGE -> "";
          case VARIATION -> "/variations";
          case INTERPOLATION -> "/interpolations";
          case INPAINT -> "/inpaint";
        };
  }

  private static Long firstSeed(JobParams p) {
    return p.seeds() == null || p.seeds().isEmpty() ? null : p.seeds().get(0);
  }

  private static String remakeLink(JobKind kind, JobParams p, String pack) {
    return switch (kind) {
      case TEXT_TO_IMAGE -> createLink(p, pack);
      // the form takes the two images; frames and seed are typed again
      case INTERPOLATION ->
          "/interpolate?a=" + p.sourceImageIds().get(0) + "&b=" + p.sourceImageIds().get(1);
      // the form takes a gallery source; the mask is painted again (an upload is not kept for it)
      case INPAINT -> p.sourceImageId() == null ? null : "/inpaint?image=" + p.sourceImageId();
      case VARIATION -> null;
    };
  }

  /**
   * The create page filled in to make the same images again: prompt, first seed, count, settings.
   */
  private static String createLink(JobParams p, String pack) {
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
