package dev.unclipstudio.pipeline.onnx;

/**
 * Where and how the stage sessions run.
 *
 * @param device CPU, or CUDA (needs the onnxruntime_gpu artifact: {@code mvn -Pcuda}); falls back
 *     to CPU with a warning when CUDA is unavailable
 * @param deviceId CUDA device index
 * @param intraOpThreads threads per operator, 0 = ONNX Runtime's default (all cores)
 * @param memoryArena whether ONNX Runtime keeps freed CPU buffers in its arena for reuse (faster,
 *     holds memory)
 * @param lowMemory whether each stage's model is loaded only while that stage runs (a full-size
 *     pack on a machine that cannot hold every stage at once; every request loads each model again)
 */
public record EngineOptions(
    Device device, int deviceId, int intraOpThreads, boolean memoryArena, boolean lowMemory) {

  public enum Device {
    CPU,
    CUDA
  }

  public EngineOptions {
    if (deviceId < 0) {
      throw new IllegalArgumentException("device id must be >= 0: " + deviceId);
    }
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("intra-op threads must be >= 0: " + intraOpThreads);
    }
  }

  public static EngineOptions cpu() {
    return new EngineOptions(Device.CPU, 0, 0, true, false);
  }

  public static EngineOptions cuda(int deviceId) {
    return new EngineOptions(Device.CUDA, deviceId, 0, true, false);
  }

  public EngineOptions withIntraOpThreads(int threads) {
    return new EngineOptions(device, deviceId, threads, memoryArena, lowMemory);
  }

  public EngineOptions withLowMemory(boolean on) {
    return new EngineOptions(device, deviceId, intraOpThreads, memoryArena, on);
  }

  /** The device asked for, as {@link StageSession#device} names it. */
  String requestedDevice() {
    return device == Device.CUDA ? "cuda:" + deviceId : "cpu";
  }

  public EngineOptions withMemoryArena(boolean arena) {
    return new EngineOptions(device, deviceId, intraOpThreads, arena, lowMemory);
  }
}
