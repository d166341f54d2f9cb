package dev.unclipstudio.pipeline.pack;

/**
 * A model pack is unusable: a missing file, a malformed manifest or an ONNX signature that differs
 * from it.
 */
public class ModelPackException extends Exception {

  public ModelPackException(String message) {
    super(message);
  }

  public ModelPackException(String message, Throwable cause) {
    super(message, cause);
  }
}
