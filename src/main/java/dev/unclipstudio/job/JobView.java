package dev.unclipstudio.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.unclipstudio.gallery.Image;
import dev.unclipstudio.pipeline.Stage;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** A job as the pages and the progress stream show it. */
public record JobView(
    long id,
    JobKind kind,
    JobStatus status,
    String prompt,
    int imageCount,
    int percent,
    String stage,
    Integer step,
    Integer stageSteps,
    long queuePosition,
    String eta,
    Long etaSeconds,
    String error,
    OffsetDateTime createdAt,
    boolean cancelRequested,
    List<Long> imageIds,
    JobDetails details,
    String queueNote,
    List<String> notes) {

  public static JobView of(Job job) {
    return ofAll(List.of(job)).get(0);
  }

  /** Views of a list of jobs, with the images of all of them read in one query. */
  public static List<JobView> ofAll(List<Job> jobs) {
    Map<Long, List<Long>> images =
        Image.idsByJob(
            jobs.stream().filter(j -> j.status == JobStatus.SUCCEEDED).map(j -> j.id).toList());
    return jobs.stream().map(j -> of(j, images.getOrDefault(j.id, List.of()))).toList();
  }

  private static JobView of(Job job, List<Long> images) {
    OffsetDateTime now = OffsetDateTime.now();
    return new JobView(
        job.id,
        job.kind,
        job.status,
        job.prompt,
        job.imageCount,
        Math.round(job.progress * 100),
        job.stage,
        job.step,
        job.stageSteps,
        job.queuePosition(),
        eta(job, now),
        secondsLeft(job, now),
        job.error,
        job.createdAt,
        job.cancelRequested,
        images,
        JobDetails.of(job),
        null,
        List.of());
  }

  /**
   * The same view with a note on why a queued job is not moving (workers paused, none running), or
   * none.
   */
  JobView withQueueNote(String note) {
    return withNotes(note, notes);
  }

  /**
   * The same view with the notes on how the model reads its prompt ({@link
   * RequestRules#promptNotes}).
   */
  JobView withPromptNotes(List<String> promptNotes) {
    return withNotes(queueNote, promptNotes);
  }

  private JobView withNotes(String queue, List<String> promptNotes) {
    return new JobView(
        id,
        kind,
        status,
        this.prompt,
        imageCount,
        percent,
        stage,
        step,
        stageSteps,
        queuePosition,
        eta,
        etaSeconds,
        error,
        createdAt,
        cancelRequested,
        imageIds,
        details,
        queue,
        promptNotes);
  }

  /** The stage as people read it ("Decoder", "Upscaling"), or null before the first step. */
  @JsonProperty
  public String stageLabel() {
    return stage == null ? null : Stage.labelOf(stage);
  }

  /** The status as people read it ("Done"); {@code status} keeps the stored name. */
  @JsonProperty
  public String statusLabel() {
    return status.label();
  }

  /** The prompt, or the job's kind for jobs made without one. */
  public String caption() {
    return prompt == null || prompt.isBlank() ? kind.label() : prompt;
  }

  @JsonProperty
  public boolean active() {
    return !status.isFinal();
  }

  @JsonProperty
  public boolean retryable() {
    return status == JobStatus.FAILED || status == JobStatus.CANCELLED;
  }

  /**
   * A running job's time left as its worker estimated it ("about 12 s left"), or "finishing" once
   * that time has run out: the estimate only ever moves the end closer, so this counts down, and a
   * job that takes longer than thought says it is finishing rather than "0 s left". Null while
   * unknown.
   */
  static String eta(Job job, OffsetDateTime now) {
    Long remaining = secondsLeft(job, now);
    if (remaining == null) {
      return null;
    }
    if (remaining < 1) {
      return "finishing";
    }
    return "about " + JobDetails.spoken(remaining) + " left";
  }

  /**
   * The seconds in {@link #eta}, for the job page to count down between progress events (a step of
   * a real model's super-resolution takes most of a minute); null while unknown.
   */
  private static Long secondsLeft(Job job, OffsetDateTime now) {
    if (job.status != JobStatus.RUNNING || job.etaAt == null) {
      return null;
    }
    return Math.max(0, Math.round(Duration.between(now, job.etaAt).toMillis() / 1000.0));
  }
}
