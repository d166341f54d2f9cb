package dev.unclipstudio.pipeline.pack;

import ai.onnxruntime.OnnxJavaType;

/** ONNX tensor element types a pack may declare, by their manifest names. */
public enum ElementType {
  FLOAT32("float32", OnnxJavaType.FLOAT),
  INT32("int32", OnnxJavaType.INT32),
  INT64("int64", OnnxJavaType.INT64),
  BOOL("bool", OnnxJavaType.BOOL);

  private final String manifestName;
  private final OnnxJavaType javaType;

  ElementType(String manifestName, OnnxJavaType javaType) {
    this.manifestName = manifestName;
    this.javaType = javaType;
  }

  public String manifestName() {
    return manifestName;
  }

  public OnnxJavaType javaType() {
    return javaType;
  }

  public static ElementType named(String name) {
    for (ElementType t : values()) {
      if (t.manifestName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown element type \"" + name + "\" (float32 | int32 | int64 | bool)");
  }

  /** The manifest name of an ONNX Runtime type, or its raw name when the manifest has none. */
  public static String nameOf(OnnxJavaType type) {
    for (ElementType t : values()) {
      if (t.javaType == type) {
        return t.manifestName;
      }
    }
    return type.name().toLowerCase();
  }
}
