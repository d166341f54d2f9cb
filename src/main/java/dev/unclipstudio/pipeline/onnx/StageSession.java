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
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ONNX Runtime session of one stage, created once from the model file (so external weight files resolve), its
 * signature checked against the manifest. Thread-safe: ONNX Runtime allows concurrent {@code run} calls.
 */
public final class StageSession implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(StageSession.class.getName());

  private final StageSpec spec;
  private final OrtEnvironment env;
  private final OrtSession.SessionOptions options;
  private final OrtSession session;
  private final Map<String, OnnxJavaType> inputTypes;
  private final String device;

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
    if (engine.intraOpThreads() > 0) options.setIntraOpNumThreads(engine.intraOpThreads());
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

  /** Runs the model; every output is copied into a {@link FloatTensor} before the result is closed. */
  public Map<String, FloatTensor> run(Map<String, StageInput> inputs) {
    try (Feed feed = feed(inputs); OrtSession.Result result = timed(feed)) {
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
      throw new IllegalStateException("stage " + spec.name() + " (" + spec.file().getFileName() + ") failed: "
          + e.getMessage(), e);
    }
  }

  private OrtSession.Result timed(Feed feed) throws OrtException {
    long start = System.nanoTime();
    try {
      return session.run(feed.tensors);
    } finally {
      ORT_NANOS.add(System.nanoTime() - start);
    }
  }

  /** The input tensors of one call, closed together. */
  private static final class Feed implements AutoCloseable {

    final Map<String, OnnxTensor> tensors = new HashMap<>();

    @Override
    public void close() {
      tensors.values().forEach(OnnxTensor::close);
    }
  }

  private Feed feed(Map<String, StageInput> inputs) throws OrtException {
    Feed feed = new Feed();
    try {
      for (Map.Entry<String, StageInput> e : inputs.entrySet()) {
        feed.tensors.put(e.getKey(), toTensor(e.getKey(), e.getValue()));
      }
      return feed;
    } catch (OrtException | RuntimeException e) {
      feed.close(); // never leak the tensors created before the failure
      throw e;
    }
  }

  private OnnxTensor toTensor(String name, StageInput input) throws OrtException {
    OnnxJavaType type = inputTypes.get(name);
    if (type == null) throw new IllegalArgumentException("stage " + spec.name() + " has no input " + name);
    long[] shape = input.shape();
    if (input instanceof StageInput.Floats f) {
      return OnnxTensor.createTensor(env, FloatBuffer.wrap(f.tensor().data()), shape);
    }
    if (input instanceof StageInput.Bools b) {
      ByteBuffer bytes = ByteBuffer.allocateDirect(b.values().length);
      for (boolean v : b.values()) bytes.put((byte) (v ? 1 : 0));
      bytes.rewind();
      return OnnxTensor.createTensor(env, bytes, shape, OnnxJavaType.BOOL);
    }
    long[] values = ((StageInput.Ints) input).values();
    return switch (type) {
      case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(values), shape);
      case INT32 -> {
        int[] ints = new int[values.length];
        for (int i = 0; i < ints.length; i++) ints[i] = Math.toIntExact(values[i]);
        yield OnnxTensor.createTensor(env, IntBuffer.wrap(ints), shape);
      }
      case FLOAT -> {
        float[] floats = new float[values.length];
        for (int i = 0; i < floats.length; i++) floats[i] = values[i];
        yield OnnxTensor.createTensor(env, FloatBuffer.wrap(floats), shape);
      }
      default -> throw new IllegalArgumentException("stage " + spec.name() + " input " + name + " takes " + type
          + ", which integer values cannot be fed as");
    };
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      LOG.log(System.Logger.Level.WARNING, "closing stage " + spec.name() + ": " + e.getMessage());
    } finally {
      options.close();
    }
  }
}
