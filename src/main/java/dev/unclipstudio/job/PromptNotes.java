package dev.unclipstudio.job;

import dev.unclipstudio.pipeline.pack.ModelPack;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The notes on how a pack's model reads a prompt ({@link RequestRules#promptNotes}), for a job's
 * page and its JSON, and for a prompt still being typed on a create page.
 */
@ApplicationScoped
public class PromptNotes {

  private final StudioPacks packs;

  PromptNotes(StudioPacks packs) {
    this.packs = packs;
  }

  /**
   * A job's notes, by the job's own pack (name and version): a pack no longer offered, or of
   * another version, may read words differently, and a note that may be wrong is worse than none.
   */
  List<String> of(Job job) {
    ModelPack pack = packs.named(job.packName).orElse(null);
    if (pack == null || !pack.version().equals(job.packVersion)) {
      return List.of();
    }
    return notes(job.prompt, pack, job.kind);
  }

  /**
   * The notes a prompt would get if submitted now for {@code kind}, by the pack the request would
   * go to ({@code pack} as a form names it, or none); none when no pack would take it (the
   * submission itself says why).
   */
  public List<String> forPrompt(String prompt, String pack, JobKind kind) {
    ModelPack target = packs.pick(pack, kind).pack();
    return target == null ? List.of() : notes(prompt, target, kind);
  }

  private static List<String> notes(String prompt, ModelPack pack, JobKind kind) {
    try {
      return RequestRules.promptNotes(prompt, pack, kind == JobKind.INPAINT);
    } catch (UncheckedIOException e) {
      return List.of(); // a tokenizer file that cannot be read costs the notes, not the page
    }
  }
}
