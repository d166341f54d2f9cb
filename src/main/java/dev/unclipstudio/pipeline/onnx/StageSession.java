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
 * Thread-safe: ONNX Runtime allows concurrent {@code run} calls.
 */
public final class StageSession implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(StageSession.class.getName());

  private final StageSpec spec;
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final SessionFactory.Opened opened;
  private final Map<String, OnnxJavaType> inputTypes;
  private final IdleLoops idleLoops = new IdleLoops();

  private StageSession(StageSpec spec, SessionFactory.Opened opened) throws OrtException {
    this.spec = spec;
    this.opened = opened;
    Map<String, OnnxJavaType> types = new HashMap<>();
    for (Map.Entry<String, NodeInfo> e : opened.session().getInputInfo().entrySet()) {
      types.put(e.getKey(), ((TensorInfo) e.getValue().getInfo()).type);
    }
    this.inputTypes = Map.copyOf(types);
  }

  /** Loads the stage's model; never leaks a half-opened session. */
  public static StageSession open(StageSpec spec, EngineOptions engineOptions)
      throws ModelPackException {
    SessionFactory.Opened opened = SessionFactory.open(spec, engineOptions);
    try {
      return new StageSession(spec, opened);
    } catch (OrtException | RuntimeException e) {
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

  public StageSpec spec() {
    return spec;
  }

  /** "cpu" or "cuda:N": where this session actually runs. */
  public String device() {
    return opened.device();
  }

  /**
   * Runs the model once; every output is copied into a {@link FloatTensor} before the result is
   * closed.
   */
  public Map<String, FloatTensor> run(Map<String, StageInput> inputs) {
    try (Feed feed = Feed.bind(env, inputTypes, inputs, spec.name());
        OrtSession.Result result = timed(feed.tensors(), Map.of())) {
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
    try {
      feed = Feed.bind(env, inputTypes, inputs, spec.name());
      return new StageSteps(
          this, feed, output.name(), Feed.floatOutput(env, shape), sampleInput, timestepInput);
    } catch (OrtException | RuntimeException e) {
      if (feed != null) {
        feed.close();
      }
      throw e instanceof OrtException o ? failure(o) : (RuntimeException) e;
    }
  }

  /** One step of a loop: outputs go into the loop's pinned buffers. */
  void runPinned(Map<String, OnnxTensor> inputs, Map<String, OnnxTensor> pinnedOutputs) {
    try (OrtSession.Result ignored = timed(inputs, pinnedOutputs)) {
      // the outputs are already in the pinned buffers
    } catch (OrtException e) {
      throw failure(e);
    }
  }

  void loopEnded(StageSteps steps) {
    idleLoops.giveBack(steps);
  }

  private IllegalStateException failure(OrtException e) {
    return new IllegalStateException(
        "stage " + spec.name() + " (" + spec.file().getFileName() + ") failed: " + e.getMessage(),
        e);
  }

  private OrtSession.Result timed(
      Map<String, OnnxTensor> inputs, Map<String, OnnxTensor> pinnedOutputs) throws OrtException {
    long start = System.nanoTime();
    try {
      OrtSession session = opened.session();
      return pinnedOutputs.isEmpty() ? session.run(inputs) : session.run(inputs, pinnedOutputs);
    } finally {
      OrtTime.add(System.nanoTime() - start);
    }
  }

  @Override
  public void close() {
    idleLoops.close();
    closeQuietly(spec, opened);
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
