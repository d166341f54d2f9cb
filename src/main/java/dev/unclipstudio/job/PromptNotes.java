package dev.unclipstudio.job;

import dev.unclipstudio.pipeline.pack.ModelPack;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;

/**
 * The note on a job's prompt that its model cannot read in full ({@link RequestRules#promptCut}),
 * for the job's page and its JSON. Only for jobs of the active pack: another pack's tokenizer cuts
 * elsewhere, and a note that may be wrong is worse than none.
 */
@ApplicationScoped
class PromptNotes {

  private final ActivePack active;

  PromptNotes(ActivePack active) {
    this.active = active;
  }

  /** The note, or null. */
  String of(Job job) {
    ModelPack pack = active.pack();
    if (pack == null
        || !pack.name().equals(job.packName)
        || !pack.version().equals(job.packVersion)) {
      return null;
    }
    try {
      return RequestRules.promptCut(job.prompt, pack, job.kind == JobKind.INPAINT).orElse(null);
    } catch (UncheckedIOException e) {
      return null; // a tokenizer file that cannot be read costs the note, not the job's page
    }
  }
}
