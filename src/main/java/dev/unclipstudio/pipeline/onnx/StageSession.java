package dev.unclipstudio.pipeline.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.unclipstudio.pipeline.pack.ModelPackException;
import dev.unclipstudio.pipeline.pack.StageSpec;
import dev.unclipstudio.pipeline.pack.TensorSpec;
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The ONNX Runtime session of one stage, opened once ({@link SessionFactory}) with its signature
 * checked against the manifest: single calls ({@link #run}) and sampling loops ({@link #steps}).
 * With {@link EngineOptions#lowMemory} the model is loaded when a call or loop starts and freed
 * when the last one ends, so a pack needs memory for the stages running at that moment only.
 * Thread-safe: ONNX Runtime allows concurrent {@code run} calls.
 */
public final class StageSession implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(StageSession.class.getName());

  private final StageSpec spec;
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final EngineOptions options;
  private final Map<String, OnnxJavaType> inputTypes;
  private final IdleLoops idleLoops = new IdleLoops();
  private String device;
  private SessionFactory.Opened opened; // null while unloaded (low-memory mode)
  private int users;

  private StageSession(
      StageSpec spec, EngineOptions options, Map<String, OnnxJavaType> inputTypes) {
    this.spec = spec;
    this.options = options;
    this.inputTypes = inputTypes;
    this.device = options.requestedDevice();
  }

  /**
   * Loads the stage's model (in low-memory mode only when it is first used; the pack's signatures
   * were checked when it was opened); never leaks a half-opened session.
   */
  public static StageSession open(StageSpec spec, EngineOptions engineOptions)
      throws ModelPackException {
    if (engineOptions.lowMemory()) {
      Map<String, OnnxJavaType> types = new HashMap<>();
      spec.inputs().values().forEach(t -> types.put(t.name(), t.type().javaType()));
      return new StageSession(spec, engineOptions, Map.copyOf(types));
    }
    SessionFactory.Opened opened = SessionFactory.open(spec, engineOptions);
    try {
      Map<String, OnnxJavaType> types = new HashMap<>();
      for (Map.Entry<String, NodeInfo> e : opened.session().getInputInfo().entrySet()) {
        types.put(e.getKey(), ((TensorInfo) e.getValue().getInfo()).type);
      }
      StageSession session = new StageSession(spec, engineOptions, Map.copyOf(types));
      session.opened = opened;
      session.device = opened.device();
      return session;
    } catch (RuntimeException | OrtException e) {
      closeQuietly(spec, opened);
      throw new ModelPackException(
          spec.file().getFileName()
              + " (stage "
              + spec.name()
              + "): cannot read the model's inputs: "
              + e.getMessage(),
          e);
    }
  }

  /** The session, loaded if needed, for one more call or loop; pair with {@link #release}. */
  private synchronized OrtSession acquire() {
    if (opened == null) {
      try {
        opened = SessionFactory.open(spec, options);
        device = opened.device();
      } catch (ModelPackException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
    users++;
    return opened.session();
  }

  private synchronized void release() {
    users--;
    if (options.lowMemory() && users == 0 && opened != null) {
      closeQuietly(spec, opened);
      opened = null;
    }
  }

  public StageSpec spec() {
    return spec;
  }

  /**
   * "cpu" or "cuda:N": where this session actually runs (in low-memory mode the device asked for,
   * until the model is first loaded).
   */
  public synchronized String device() {
    return device;
  }

  /**
   * Runs the model once; every output is copied into a {@link FloatTensor} before the result is
   * closed.
   */
  public Map<String, FloatTensor> run(Map<String, StageInput> inputs) {
    OrtSession session = acquire();
    try (Feed feed = Feed.bind(env, inputTypes, inputs, spec.name());
        OrtSession.Result result = timed(session, feed.tensors(), Map.of())) {
      Map<String, FloatTensor> out = new HashMap<>();
      for (Map.Entry<String, OnnxValue> e : result) {
        OnnxTensor tensor = (OnnxTensor) e.getValue();
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] data = new float[buffer.remaining()];
        buffer.get(data);
        out.put(e.getKey(), new FloatTensor(data, tensor.getInfo().getShape()));
      }
      return out;
    } catch (OrtException e) {
      throw failure(e);
    } finally {
      release();
    }
  }

  /**
   * Prepares the calls of a sampling loop, which repeat with the same shapes (see {@link
   * StageSteps}). {@code inputs} are the first values; all but the sample (x_t) and the timestep
   * stay as given (the conditioning). A loop that ended with the same input shapes serves again, so
   * a worker repeating one batch size allocates no native memory per request.
   */
  public StageSteps steps(
      Map<String, StageInput> inputs, String sampleInput, String timestepInput) {
    if (spec.outputs().size() != 1) {
      throw new IllegalStateException(
          "stage "
              + spec.name()
              + " has "
              + spec.outputs().size()
              + " outputs; a"
              + " sampling loop needs exactly one");
    }
    StageSteps kept = idleLoops.take(inputs, sampleInput, timestepInput);
    if (kept != null) {
      acquire(); // released when the loop ends
      return kept;
    }
    long rows = inputs.values().iterator().next().shape()[0];
    TensorSpec output = spec.outputs().values().iterator().next();
    long[] shape = output.shape().clone();
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] == TensorSpec.BATCH) {
        shape[i] = rows;
      }
    }
    Feed feed = null;
    acquire(); // released when the loop ends
    try {
      feed = Feed.bind(env, inputTypes, inputs, spec.name());
      return new StageSteps(
          this, feed, output.name(), Feed.floatOutput(env, shape), sampleInput, timestepInput);
    } catch (OrtException | RuntimeException e) {
      if (feed != null) {
        feed.close();
      }
      release();
      throw e instanceof OrtException o ? failure(o) : (RuntimeException) e;
    }
  }

  /** One step of a loop: outputs go into the loop's pinned buffers. */
  void runPinned(Map<String, OnnxTensor> inputs, Map<String, OnnxTensor> pinnedOutputs) {
    try (OrtSession.Result ignored = timed(held(), inputs, pinnedOutputs)) {
      // the outputs are already in the pinned buffers
    } catch (OrtException e) {
      throw failure(e);
    }
  }

  void loopEnded(StageSteps steps) {
    idleLoops.giveBack(steps);
    release();
  }

  /** Whether the model is in memory now (always, unless in low-memory mode). */
  synchronized boolean loaded() {
    return opened != null;
  }

  /** The session a running loop holds (acquired when the loop started). */
  private synchronized OrtSession held() {
    return opened.session();
  }

  private IllegalStateException failure(OrtException e) {
    return new IllegalStateException(
        "stage " + spec.name() + " (" + spec.file().getFileName() + ") failed: " + e.getMessage(),
        e);
  }

  private static OrtSession.Result timed(
      OrtSession session, Map<String, OnnxTensor> inputs, Map<String, OnnxTensor> pinnedOutputs)
      throws OrtException {
    long start = System.nanoTime();
    try {
      return pinnedOutputs.isEmpty() ? session.run(inputs) : session.run(inputs, pinnedOutputs);
    } finally {
      OrtTime.add(System.nanoTime() - start);
    }
  }

  @Override
  public synchronized void close() {
    idleLoops.close();
    if (opened != null) {
      closeQuietly(spec, opened);
      opened = null;
    }
  }

  private static void closeQuietly(StageSpec spec, SessionFactory.Opened opened) {
    try {
      opened.session().close();
    } catch (OrtException e) {
      LOG.log(System.Logger.Level.WARNING, "closing stage " + spec.name() + ": " + e.getMessage());
    } finally {
      opened.options().close();
    }
  }
}
