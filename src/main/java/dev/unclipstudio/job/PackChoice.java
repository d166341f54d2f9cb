package dev.unclipstudio.job;

import java.util.List;

/**
 * The pack field of a job form: the packs that can run the form's kind, the one selected, and its
 * defaults for the placeholders. The select is shown only when there is a choice; otherwise the
 * request names no pack and goes where {@link StudioPacks#pick} sends it. {@code problem} says why
 * no pack can take the form's jobs, when none can.
 */
public record PackChoice(
    List<String> options, String selected, PackDefaults defaults, String problem) {

  public boolean shown() {
    return options.size() > 1;
  }
}
