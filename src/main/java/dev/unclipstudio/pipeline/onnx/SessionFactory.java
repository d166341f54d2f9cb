package dev.unclipstudio.pipeline.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.unclipstudio.pipeline.pack.ModelPackException;
import dev.unclipstudio.pipeline.pack.StageSignature;
import dev.unclipstudio.pipeline.pack.StageSpec;

/**
 * Creates a stage's ONNX Runtime session on the requested device, falling back to the CPU (and
 * saying why) when CUDA cannot be used, and checks the loaded model's signature against the
 * manifest. Never leaks a half-opened session.
 */
final class SessionFactory {

  private static final System.Logger LOG = System.getLogger(SessionFactory.class.getName());

  /** A session with the options it owns and the device it actually runs on ("cpu" or "cuda:N"). */
  record Opened(OrtSession session, OrtSession.SessionOptions options, String device) {}

  private SessionFactory() {}

  /** Created from the model file's path, so external weight files next to it resolve. */
  static Opened open(StageSpec spec, EngineOptions engineOptions) throws ModelPackException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    try {
      String device = configure(options, engineOptions);
      OrtSession session = env.createSession(spec.file().toString(), options);
      try {
        StageSignature.verify(spec, session);
        return new Opened(session, options, device);
      } catch (ModelPackException | RuntimeException e) {
        session.close();
        throw e;
      }
    } catch (OrtException e) {
      options.close();
      throw new ModelPackException(
          spec.file().getFileName()
              + " (stage "
              + spec.name()
              + "): cannot create an ONNX Runtime session: "
              + e.getMessage(),
          e);
    } catch (ModelPackException | RuntimeException e) {
      options.close();
      throw e;
    }
  }

  private static String configure(OrtSession.SessionOptions options, EngineOptions engine)
      throws OrtException {
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
        LOG.log(
            System.Logger.Level.WARNING,
            "CUDA device "
                + engine.deviceId()
                + " is not usable ("
                + e.getMessage()
                + "); running on CPU. The CUDA build of ONNX Runtime needs `mvn -Pcuda` and a"
                + " matching CUDA/cuDNN installation.");
      }
    }
    return "cpu";
  }
}
