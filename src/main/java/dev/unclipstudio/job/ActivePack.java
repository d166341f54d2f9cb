package dev.unclipstudio.job;

import dev.unclipstudio.config.StudioConfig;
import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.pipeline.pack.ModelPackException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The model pack new jobs are made for: its name, version and defaults for the forms. Only the
 * manifest is read (web-only instances load no models); a pack that cannot be read is reported on
 * the pages instead of breaking them.
 */
@ApplicationScoped
public class ActivePack {

  private static final Logger LOG = Logger.getLogger(ActivePack.class);

  private final StudioConfig config;
  private volatile ModelPack pack;
  private volatile String problem;

  ActivePack(StudioConfig config) {
    this.config = config;
  }

  /** The pack, or null when it cannot be used ({@link #problem()} says why). */
  public ModelPack pack() {
    if (pack == null && problem == null) {
      synchronized (this) {
        if (pack == null && problem == null) {
          try {
            pack = ModelPack.readManifest(config.pack());
          } catch (ModelPackException | RuntimeException e) {
            problem = "The model pack at " + config.pack() + " cannot be used: " + e.getMessage();
            LOG.error(problem);
          }
        }
      }
    }
    return pack;
  }

  public String problem() {
    pack();
    return problem;
  }
}
