package dev.unclipstudio.job;

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

  /** Uploaded images (already re-encoded as PNG) stored beside the job, by input name. */
  Map<String, byte[]> inputs();

  /** The parameters stored with the job; only called once {@link #check} found nothing. */
  JobParams toParams();
}
