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
import dev.unclipstudio.pipeline.pack.StageSignature;
import dev.unclipstudio.pipeline.pack.StageSpec;
import dev.unclipstudio.pipeline.pack.TensorSpec;
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The ONNX Runtime session of one stage, created once from the model file (so external weight files resolve), its
 * signature checked against the manifest. Thread-safe: ONNX Runtime allows concurrent {@code run} calls.
 */
public final class StageSession implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(StageSession.class.getName());
  private static final int IDLE_STEPS = 2;

  private final StageSpec spec;
  private final OrtEnvironment env;
  private final OrtSession.SessionOptions options;
  private final OrtSession session;
  private final Map<String, OnnxJavaType> inputTypes;
  private final String device;
  /** Closed loops kept for the next loop of the same shapes (a worker repeats one batch size). */
  private final Queue<Steps> idleSteps = new ConcurrentLinkedQueue<>();
  private volatile boolean closed;

  private StageSession(StageSpec spec, OrtEnvironment env, OrtSession.SessionOptions options, OrtSession session,
      String device) throws OrtException {
    this.spec = spec;
    this.env = env;
    this.options = options;
    this.session = session;
    this.device = device;
    Map<String, OnnxJavaType> types = new HashMap<>();
    for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
      types.put(e.getKey(), ((TensorInfo) e.getValue().getInfo()).type);
    }
    this.inputTypes = Map.copyOf(types);
  }

  /** Loads the stage's model; never leaks a half-opened session. */
  public static StageSession open(StageSpec spec, EngineOptions engineOptions) throws ModelPackException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    try {
      String device = configure(options, engineOptions);
      OrtSession session = env.createSession(spec.file().toString(), options);
      try {
        StageSignature.verify(spec, session);
        return new StageSession(spec, env, options, session, device);
      } catch (ModelPackException | OrtException | RuntimeException e) {
        session.close();
        throw e;
      }
    } catch (OrtException e) {
      options.close();
      throw new ModelPackException(spec.file().getFileName() + " (stage " + spec.name()
          + "): cannot create an ONNX Runtime session: " + e.getMessage(), e);
    } catch (ModelPackException | RuntimeException e) {
      options.close();
      throw e;
    }
  }

  private static String configure(OrtSession.SessionOptions options, EngineOptions engine) throws OrtException {
    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    if (engine.intraOpThreads() > 0) {
      options.setIntraOpNumThreads(engine.intraOpThreads());
    }
    options.setCPUArenaAllocator(engine.memoryArena());
    if (engine.device() == EngineOptions.Device.CUDA) {
      try {
        options.addCUDA(engine.deviceId());
        return "cuda:" + engine.deviceId();
      } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
        LOG.log(System.Logger.Level.WARNING, "CUDA device " + engine.deviceId() + " is not usable ("
            + e.getMessage() + "); running on CPU. The CUDA build of ONNX Runtime needs `mvn -Pcuda` and a"
            + " matching CUDA/cuDNN installation.");
      }
    }
    return "cpu";
  }

  public StageSpec spec() {
    return spec;
  }

  /** "cpu" or "cuda:N": where this session actually runs. */
  public String device() {
    return device;
  }

  /**
   * Time spent inside {@code OrtSession.run} by every session of this JVM, for benchmarks that report how much of a
   * pipeline's time is ours (tensor preparation, scheduler, guidance) rather than ONNX Runtime's.
   */
  public static long nanosInOnnxRuntime() {
    return ORT_NANOS.sum();
  }

  private static final LongAdder ORT_NANOS = new LongAdder();

  /** Runs the model once; every output is copied into a {@link FloatTensor} before the result is closed. */
  public Map<String, FloatTensor> run(Map<String, StageInput> inputs) {
    try (Feed feed = feed(inputs); OrtSession.Result result = timed(feed.tensors(), Map.of())) {
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
   * Prepares the calls of a sampling loop, which repeat with the same shapes: every input is a tensor over a direct
   * buffer that ONNX Runtime reads in place, and the stage's single output is pinned to a buffer of ours, so a step
   * allocates nothing and copies only x_t in and the prediction out. {@code inputs} are the first values; all but
   * the sample (x_t) and the timestep stay as given (the conditioning). A closed loop's buffers serve the next loop
   * with the same input shapes, so a worker repeating one batch size allocates no native memory per request.
   */
  public Steps steps(Map<String, StageInput> inputs, String sampleInput, String timestepInput) {
    if (spec.outputs().size() != 1) {
      throw new IllegalStateException("stage " + spec.name() + " has " + spec.outputs().size() + " outputs; a"
          + " sampling loop needs exactly one");
    }
    for (Steps idle : idleSteps) {
      if (idle.fits(inputs, sampleInput, timestepInput) && idleSteps.remove(idle)) {
        try {
          idle.feed.write(inputs);
          return idle;
        } catch (RuntimeException e) {
          idle.release();
          throw e;
        }
      }
    }
    long rows = inputs.values().iterator().next().shape()[0];
    TensorSpec output = spec.outputs().values().iterator().next();
    long[] shape = output.shape().clone();
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] == TensorSpec.BATCH) {
        shape[i] = rows;
      }
    }
    Feed feed = feed(inputs);
    try {
      FloatBuffer out = direct(Math.toIntExact(elements(shape) * 4)).asFloatBuffer();
      Bound pinned = new Bound(OnnxTensor.createTensor(env, out, shape), out);
      return new Steps(feed, output.name(), pinned, sampleInput, timestepInput);
    } catch (OrtException | RuntimeException e) {
      feed.close();
      throw e instanceof OrtException o ? failure(o) : (RuntimeException) e;
    }
  }

  /**
   * One loop's worth of calls to this stage (see {@link #steps}). Not thread-safe: one per running loop.
   */
  public final class Steps implements AutoCloseable {

    private final Feed feed;
    private final Map<String, OnnxTensor> inputs;
    private final Map<String, OnnxTensor> pinnedOutput;
    private final Bound output;
    private final FloatBuffer sample;
    private final int sampleRows;
    private final String sampleInput;
    private final String timestepInput;
    private Object kept;

    private Steps(Feed feed, String outputName, Bound output, String sampleInput, String timestepInput) {
      this.feed = feed;
      this.output = output;
      this.sampleInput = sampleInput;
      this.timestepInput = timestepInput;
      this.pinnedOutput = Map.of(outputName, output.tensor());
      this.inputs = feed.tensors();
      this.sample = (FloatBuffer) feed.buffer(sampleInput);
      this.sampleRows = (int) inputs.get(sampleInput).getInfo().getShape()[0];
    }

    /**
     * One step: writes x_t of B images into the sample input, whose N = copies·B rows may be longer than one image
     * (the super-res input holds the low-res channels after x_t; image r goes to the start of rows r, B + r, …, and
     * the rest of each row keeps its values), sets the timestep of every row and runs the model.
     *
     * @return the output, valid until the next step
     */
    public FloatBuffer step(double[] x, int copies, int timestep) {
      putSample(x, copies);
      putTimestep(timestep);
      try (OrtSession.Result ignored = timed(inputs, pinnedOutput)) {
        return ((FloatBuffer) output.buffer()).duplicate().rewind();
      } catch (OrtException e) {
        throw failure(e);
      }
    }

    private void putSample(double[] x, int copies) {
      int stride = sample.capacity() / sampleRows;
      int batch = sampleRows / copies;
      int n = x.length / batch;
      for (int c = 0; c < copies; c++) {
        for (int r = 0; r < batch; r++) {
          int base = (c * batch + r) * stride;
          for (int j = 0; j < n; j++) {
            sample.put(base + j, (float) x[r * n + j]);
          }
        }
      }
    }

    /** Whatever integer or float element type the model declares for its timestep. */
    private void putTimestep(int timestep) {
      Buffer buffer = feed.buffer(timestepInput);
      if (buffer instanceof LongBuffer b) {
        for (int i = 0; i < b.capacity(); i++) {
          b.put(i, timestep);
        }
      } else if (buffer instanceof IntBuffer b) {
        for (int i = 0; i < b.capacity(); i++) {
          b.put(i, timestep);
        }
      } else if (buffer instanceof FloatBuffer b) {
        for (int i = 0; i < b.capacity(); i++) {
          b.put(i, timestep);
        }
      } else {
        throw new IllegalArgumentException("stage " + spec.name() + " input " + timestepInput
            + " does not take a timestep");
      }
    }

    /**
     * Java-side state of the loop, kept and reused with its bound tensors: the kept value when it is a {@code type}
     * that {@code fits}, else a new one from {@code create}, kept for the next loop.
     */
    public <T> T reuse(Class<T> type, Predicate<T> fits, Supplier<T> create) {
      if (type.isInstance(kept) && fits.test(type.cast(kept))) {
        return type.cast(kept);
      }
      T created = create.get();
      kept = created;
      return created;
    }

    private boolean fits(Map<String, StageInput> values, String sample, String timestep) {
      if (!sampleInput.equals(sample) || !timestepInput.equals(timestep) || !values.keySet().equals(inputs.keySet())) {
        return false;
      }
      for (Map.Entry<String, StageInput> e : values.entrySet()) {
        if (!Arrays.equals(inputs.get(e.getKey()).getInfo().getShape(), e.getValue().shape())) {
          return false;
        }
      }
      return true;
    }

    /**
     * Hands the buffers back to the session for the next loop of the same shapes; the least recently used beyond
     * two are freed (a worker's next request most likely repeats its last batch size).
     */
    @Override
    public void close() {
      if (closed) {
        release();
        return;
      }
      idleSteps.offer(this);
      while (idleSteps.size() > IDLE_STEPS) {
        Steps oldest = idleSteps.poll();
        if (oldest != null) {
          oldest.release();
        }
      }
      if (closed && idleSteps.remove(this)) {
        release(); // the session closed meanwhile
      }
    }

    private void release() {
      output.tensor().close();
      feed.close();
    }
  }

  private IllegalStateException failure(OrtException e) {
    return new IllegalStateException("stage " + spec.name() + " (" + spec.file().getFileName() + ") failed: "
        + e.getMessage(), e);
  }

  private OrtSession.Result timed(Map<String, OnnxTensor> inputs, Map<String, OnnxTensor> pinnedOutputs)
      throws OrtException {
    long start = System.nanoTime();
    try {
      return pinnedOutputs.isEmpty() ? session.run(inputs) : session.run(inputs, pinnedOutputs);
    } finally {
      ORT_NANOS.add(System.nanoTime() - start);
    }
  }

  /** A tensor over a direct buffer of ours, which ONNX Runtime reads and writes in place. */
  private record Bound(OnnxTensor tensor, Buffer buffer) {}

  /** The input tensors of one call or loop, closed together. */
  private record Feed(Map<String, Bound> bound) implements AutoCloseable {

    Map<String, OnnxTensor> tensors() {
      Map<String, OnnxTensor> t = new HashMap<>();
      bound.forEach((k, v) -> t.put(k, v.tensor()));
      return t;
    }

    /** New values of the same shapes, written over the bound ones. */
    void write(Map<String, StageInput> values) {
      values.forEach((name, value) -> StageSession.write(value, buffer(name)));
    }

    Buffer buffer(String name) {
      Bound b = bound.get(name);
      if (b == null) {
        throw new IllegalArgumentException("no input " + name);
      }
      return b.buffer();
    }

    @Override
    public void close() {
      bound.values().forEach(b -> b.tensor().close());
    }
  }

  private Feed feed(Map<String, StageInput> inputs) {
    Feed feed = new Feed(new HashMap<>());
    try {
      for (Map.Entry<String, StageInput> e : inputs.entrySet()) {
        OnnxJavaType type = inputTypes.get(e.getKey());
        if (type == null) {
          throw new IllegalArgumentException("stage " + spec.name() + " has no input " + e.getKey());
        }
        feed.bound().put(e.getKey(), bind(e.getKey(), e.getValue(), type));
      }
      return feed;
    } catch (OrtException e) {
      feed.close(); // never leak the tensors created before the failure
      throw failure(e);
    } catch (RuntimeException e) {
      feed.close();
      throw e;
    }
  }

  private Bound bind(String name, StageInput input, OnnxJavaType type) throws OrtException {
    Bound bound = allocate(name, input, type);
    try {
      write(input, bound.buffer());
      return bound;
    } catch (RuntimeException e) {
      bound.tensor().close();
      throw e;
    }
  }

  /** A tensor over a new direct buffer of the element type the model takes for {@code input}. */
  private Bound allocate(String name, StageInput input, OnnxJavaType type) throws OrtException {
    long[] shape = input.shape();
    int n = Math.toIntExact(elements(shape));
    if (input instanceof StageInput.Bools) {
      ByteBuffer b = direct(n);
      return new Bound(OnnxTensor.createTensor(env, b, shape, OnnxJavaType.BOOL), b);
    }
    if (input instanceof StageInput.Floats || type == OnnxJavaType.FLOAT) { // integers fed to a float input too
      FloatBuffer b = direct(n * 4).asFloatBuffer();
      return new Bound(OnnxTensor.createTensor(env, b, shape), b);
    }
    return switch (type) {
      case INT64 -> {
        LongBuffer b = direct(n * 8).asLongBuffer();
        yield new Bound(OnnxTensor.createTensor(env, b, shape), b);
      }
      case INT32 -> {
        IntBuffer b = direct(n * 4).asIntBuffer();
        yield new Bound(OnnxTensor.createTensor(env, b, shape), b);
      }
      default -> throw new IllegalArgumentException("stage " + spec.name() + " input " + name + " takes " + type
          + ", which integer values cannot be fed as");
    };
  }

  /** Writes an input's values into its buffer (absolute puts: the tensor's view of the buffer never moves). */
  private static void write(StageInput input, Buffer buffer) {
    if (input instanceof StageInput.Floats f) {
      ((FloatBuffer) buffer).put(0, f.tensor().data());
    } else if (input instanceof StageInput.Bools bools) {
      ByteBuffer b = (ByteBuffer) buffer;
      boolean[] values = bools.values();
      for (int i = 0; i < values.length; i++) {
        b.put(i, (byte) (values[i] ? 1 : 0));
      }
    } else {
      long[] values = ((StageInput.Ints) input).values();
      if (buffer instanceof LongBuffer b) {
        b.put(0, values);
      } else if (buffer instanceof IntBuffer b) {
        for (int i = 0; i < values.length; i++) {
          b.put(i, Math.toIntExact(values[i]));
        }
      } else {
        FloatBuffer b = (FloatBuffer) buffer;
        for (int i = 0; i < values.length; i++) {
          b.put(i, values[i]);
        }
      }
    }
  }

  private static long elements(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  private static ByteBuffer direct(int bytes) {
    return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
  }

  @Override
  public void close() {
    closed = true;
    for (Steps idle; (idle = idleSteps.poll()) != null; ) {
      idle.release();
    }
    try {
      session.close();
    } catch (OrtException e) {
      LOG.log(System.Logger.Level.WARNING, "closing stage " + spec.name() + ": " + e.getMessage());
    } finally {
      options.close();
    }
  }
}
