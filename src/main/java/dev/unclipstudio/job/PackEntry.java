package dev.unclipstudio.job;

import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.pipeline.pack.ModelPackException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * One folder of {@code studio.packs}: its manifest, or why it cannot be used (then {@code pack} is
 * null and the folder stands for its name).
 */
public record PackEntry(Path dir, ModelPack pack, String problem) {

  private static final Logger LOG = Logger.getLogger(PackEntry.class);

  /**
   * Each folder's manifest (only the manifest: no model is loaded), in order. A pack with the name
   * of an earlier one is refused: jobs name their pack by its name.
   */
  public static List<PackEntry> readAll(List<Path> dirs) {
    List<PackEntry> read = new ArrayList<>();
    Map<String, Path> byName = new HashMap<>();
    for (Path dir : dirs) {
      PackEntry entry;
      try {
        ModelPack pack = ModelPack.readManifest(dir);
        Path first = byName.putIfAbsent(pack.name(), dir);
        entry =
            first == null
                ? new PackEntry(dir, pack, null)
                : new PackEntry(
                    dir,
                    null,
                    "its name " + pack.name() + " is already used by the pack in " + first);
      } catch (ModelPackException | RuntimeException e) {
        entry = new PackEntry(dir, null, e.getMessage());
      }
      if (!entry.usable()) {
        LOG.errorf("The model pack at %s cannot be used: %s", dir, entry.problem());
      }
      read.add(entry);
    }
    return List.copyOf(read);
  }

  public boolean usable() {
    return pack != null;
  }

  /** The pack's name, or its folder when the manifest cannot be read. */
  public String label() {
    return pack != null ? pack.name() : dir.toString();
  }
}
