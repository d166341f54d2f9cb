package dev.unclipstudio.job;

import dev.unclipstudio.pipeline.image.ImageSize;
import java.util.List;
import java.util.Map;

/**
 * A typed request for one job, whichever way it came in (a page's form, the JSON API). {@link
 * JobRequests} checks and queues every kind the same way.
 */
public sealed interface JobCommand
    permits TextToImageCommand, VariationCommand, InterpolationCommand, InpaintCommand {

  JobKind kind();

  /** Adds a problem for each of its fields that breaks a rule. */
  void check(RequestProblems problems);

  /** Gallery images it reads; each must be visible to the user. */
  List<Long> galleryImageIds();

  /**
   * Problems that show only against the gallery images it reads (their sizes by id), by field;
   * asked once the user is known to see them all, so a refusal says nothing about others' images.
   */
  default Map<String, String> checkAgainst(Map<Long, ImageSize> gallerySizes) {
    return Map.of();
  }

  /** Uploaded images (already re-encoded as PNG) stored beside the job, by input name. */
  Map<String, byte[]> inputs();

  /** The parameters stored with the job; only called once {@link #check} found nothing. */
  JobParams toParams();
}
