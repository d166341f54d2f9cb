package dev.unclipstudio.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What people read on job pages: stage and kind labels, never the stored names. */
class JobViewTest {

  private static JobView view(JobKind kind, String prompt, String stage) {
    return new JobView(
        1,
        kind,
        JobStatus.RUNNING,
        prompt,
        1,
        40,
        stage,
        2,
        7,
        0,
        null,
        null,
        null,
        OffsetDateTime.now(),
        false,
        List.of(),
        null,
        null,
        null);
  }

  @Test
  void stagesAreShownByTheirLabels() {
    assertEquals("Upscaling", view(JobKind.TEXT_TO_IMAGE, "a", "super_res").stageLabel());
    assertEquals("Decoder", view(JobKind.TEXT_TO_IMAGE, "a", "decoder").stageLabel());
    assertEquals("Inpainting", view(JobKind.INPAINT, "a", "inpaint_base").stageLabel());
    assertNull(view(JobKind.TEXT_TO_IMAGE, "a", null).stageLabel());
  }

  @Test
  void jobsWithoutAPromptAreCaptionedByTheirKind() {
    assertEquals("Variations", view(JobKind.VARIATION, null, null).caption());
    assertEquals("Interpolation", view(JobKind.INTERPOLATION, "", null).caption());
    assertEquals("a red circle", view(JobKind.TEXT_TO_IMAGE, "a red circle", null).caption());
  }
}
