package dev.unclipstudio.pipeline.pack;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.Map;

/**
 * Compares a loaded ONNX session's inputs and outputs with what the manifest declares for its
 * stage.
 */
public final class StageSignature {

  private StageSignature() {}

  public static void verify(StageSpec stage, OrtSession session) throws ModelPackException {
    try {
      compare(stage, "input", stage.inputs(), session.getInputInfo());
      compare(stage, "output", stage.outputs(), session.getOutputInfo());
    } catch (OrtException e) {
      throw new ModelPackException(
          where(stage) + ": cannot read the model signature: " + e.getMessage(), e);
    }
  }

  private static void compare(
      StageSpec stage, String kind, Map<String, TensorSpec> declared, Map<String, NodeInfo> actual)
      throws ModelPackException {
    for (TensorSpec spec : declared.values()) {
      NodeInfo node = actual.get(spec.name());
      if (node == null) {
        throw new ModelPackException(
            where(stage)
                + ": "
                + kind
                + " \""
                + spec.name()
                + "\" declared in pack.json is missing from the model (model "
                + kind
                + "s: "
                + actual.keySet()
                + ")");
      }
      if (!(node.getInfo() instanceof TensorInfo info)) {
        throw new ModelPackException(
            where(stage) + ": " + kind + " \"" + spec.name() + "\" is not a tensor");
      }
      String actualText = ElementType.nameOf(info.type) + " " + shapeString(info.getShape());
      String expectedText = spec.type().manifestName() + " " + spec.shapeString();
      boolean typeMatches = info.type == spec.type().javaType();
      if (!typeMatches || !shapeMatches(spec.shape(), info.getShape())) {
        throw new ModelPackException(
            where(stage)
                + ": "
                + kind
                + " \""
                + spec.name()
                + "\" expected "
                + expectedText
                + " but the model has "
                + actualText);
      }
    }
    for (String name : actual.keySet()) {
      if (!declared.containsKey(name)) {
        throw new ModelPackException(
            where(stage)
                + ": the model has an "
                + kind
                + " \""
                + name
                + "\" that pack.json does not declare (declared: "
                + declared.keySet()
                + ")");
      }
    }
  }

  /**
   * The batch axis must be dynamic; a static axis must match unless the model leaves it symbolic.
   */
  private static boolean shapeMatches(long[] declared, long[] actual) {
    if (declared.length != actual.length) {
      return false;
    }
    for (int i = 0; i < declared.length; i++) {
      if (declared[i] == TensorSpec.BATCH) {
        if (actual[i] >= 0) {
          return false;
        }
      } else if (actual[i] >= 0 && actual[i] != declared[i]) {
        return false;
      }
    }
    return true;
  }

  private static String shapeString(long[] shape) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(shape[i] < 0 ? "dynamic" : Long.toString(shape[i]));
    }
    return sb.append(']').toString();
  }

  static String where(StageSpec stage) {
    return stage.file().getFileName() + " (stage " + stage.name() + ")";
  }
}
