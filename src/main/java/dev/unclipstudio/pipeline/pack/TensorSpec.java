package dev.unclipstudio.pipeline.pack;

import java.util.Arrays;

/**
 * One declared input or output of a stage.
 *
 * @param shape static sizes; {@link #BATCH} marks the dynamic batch axis
 */
public record TensorSpec(String name, ElementType type, long[] shape) {

  public static final long BATCH = -1;

  /** The manifest spelling, e.g. {@code ["batch", 3, 16, 16]}. */
  public String shapeString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(shape[i] == BATCH ? "batch" : Long.toString(shape[i]));
    }
    return sb.append(']').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec t
        && t.name.equals(name)
        && t.type == type
        && Arrays.equals(t.shape, shape);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + type.manifestName() + " " + shapeString();
  }
}
