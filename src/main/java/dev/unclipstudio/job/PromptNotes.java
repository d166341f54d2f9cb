package dev.unclipstudio.job;

import dev.unclipstudio.pipeline.pack.ModelPack;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;

/**
 * The note on a job's prompt that its model cannot read in full ({@link RequestRules#promptCut}),
 * for the job's page and its JSON, by the job's own pack (name and version): a pack no longer
 * offered, or of another version, may cut elsewhere, and a note that may be wrong is worse than
 * none.
 */
@ApplicationScoped
class PromptNotes {

  private final StudioPacks packs;

  PromptNotes(StudioPacks packs) {
    this.packs = packs;
  }

  /** The note, or null. */
  String of(Job job) {
    ModelPack pack = packs.named(job.packName).orElse(null);
    if (pack == null || !pack.version().equals(job.packVersion)) {
      return null;
    }
    try {
      return RequestRules.promptCut(job.prompt, pack, job.kind == JobKind.INPAINT).orElse(null);
    } catch (UncheckedIOException e) {
      return null; // a tokenizer file that cannot be read costs the note, not the job's page
    }
  }
}
