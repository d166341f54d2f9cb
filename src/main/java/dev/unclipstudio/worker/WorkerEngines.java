package dev.unclipstudio.worker;

import dev.unclipstudio.pipeline.Engine;
import dev.unclipstudio.pipeline.onnx.EngineOptions;
import dev.unclipstudio.pipeline.pack.ModelPack;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * One worker's engines, one per model pack it could open (every stage session opened once, closed
 * when the worker stops), and the state of every pack it was given. A pack that cannot be opened (a
 * missing or corrupt file, not enough memory) is left out with the reason; the others work.
 */
final class WorkerEngines implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(WorkerEngines.class);

  private final Map<String, Engine> engines;
  private final List<PackState> states;

  private WorkerEngines(Map<String, Engine> engines, List<PackState> states) {
    this.engines = Collections.unmodifiableMap(engines);
    this.states = List.copyOf(states);
  }

  /**
   * Opens each pack for {@code options}' device, within {@code memory}; a failure costs that pack
   * only.
   */
  static WorkerEngines open(List<ModelPack> packs, EngineOptions options, MemoryBudget memory) {
    Map<String, Engine> engines = new LinkedHashMap<>();
    List<PackState> states = new ArrayList<>();
    for (ModelPack pack : packs) {
      Optional<String> tooBig = memory.reserve(pack, options.lowMemory());
      if (tooBig.isPresent()) {
        states.add(PackState.down(pack.name(), tooBig.get()));
        continue;
      }
      try {
        engines.put(pack.name(), Engine.open(pack, options));
        states.add(PackState.up(pack.name()));
      } catch (Exception | OutOfMemoryError e) {
        states.add(PackState.down(pack.name(), reason(e)));
      }
    }
    return new WorkerEngines(engines, states);
  }

  /** The names of the packs open here: the only ones whose jobs this worker claims. */
  Set<String> packs() {
    return engines.keySet();
  }

  /** The engine of an open pack, or null. */
  Engine engineFor(String pack) {
    return engines.get(pack);
  }

  /** Every pack this worker was given, open or not. */
  List<PackState> states() {
    return states;
  }

  boolean isEmpty() {
    return engines.isEmpty();
  }

  /** Closes every engine, even when one fails to close. */
  @Override
  public void close() {
    for (Map.Entry<String, Engine> e : engines.entrySet()) {
      try {
        e.getValue().close();
      } catch (RuntimeException ex) {
        LOG.warnf("Could not close the engine of pack %s: %s", e.getKey(), ex.getMessage());
      }
    }
  }

  /**
   * What people read: running out of memory while loading says so in words (the Java heap, or ONNX
   * Runtime's allocator, whose message names the failed allocation).
   */
  private static String reason(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof OutOfMemoryError || message.toLowerCase().contains("allocate")) {
      return "does not fit in memory: " + message;
    }
    return "cannot be loaded: " + message;
  }
}
