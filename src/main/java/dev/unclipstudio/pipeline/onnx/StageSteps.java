package dev.unclipstudio.pipeline.onnx;

import ai.onnxruntime.OnnxTensor;
import dev.unclipstudio.pipeline.guidance.ClassifierFreeGuidance;
import dev.unclipstudio.pipeline.guidance.OutputChannels;
import dev.unclipstudio.pipeline.sampling.Denoiser;
import java.nio.Buffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * One sampling loop's worth of calls to a stage ({@link StageSession#steps}): the inputs stay bound
 * between steps and the single output is pinned to a buffer of ours, so a step copies only x_t in
 * and the prediction out. Not thread-safe: one per running loop. Closing hands the bound buffers
 * back to the session for the next loop of the same shapes.
 */
public final class StageSteps implements AutoCloseable {

  private final StageSession session;
  private final Feed feed;
  private final Map<String, OnnxTensor> inputs;
  private final Map<String, OnnxTensor> pinnedOutput;
  private final Feed.Bound output;
  private final FloatBuffer sample;
  private final int sampleRows;
  private final String sampleInput;
  private final String timestepInput;

  StageSteps(
      StageSession session,
      Feed feed,
      String outputName,
      Feed.Bound output,
      String sampleInput,
      String timestepInput) {
    this.session = session;
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
   * One step: writes x_t of B images into the N = copies·B rows of the sample input (image r into
   * rows r, B + r, …; a row longer than one image keeps the rest of its values), sets the timestep
   * of every row and runs the model.
   *
   * @return the output, valid until the next step
   */
  public FloatBuffer step(double[] x, int copies, int timestep) {
    putSample(x, copies);
    putTimestep(timestep);
    session.runPinned(inputs, pinnedOutput);
    return ((FloatBuffer) output.buffer()).duplicate().rewind();
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
      throw new IllegalArgumentException(
          "stage "
              + session.spec().name()
              + " input "
              + timestepInput
              + " does not take a timestep");
    }
  }

  /**
   * This loop's calls as a sampler's denoiser: x_t fed once per guidance half, the output guided
   * into the loop's buffers.
   */
  public Denoiser guidedBy(ClassifierFreeGuidance cfg, int batch, OutputChannels channels) {
    int copies = cfg.rows(batch) / batch;
    return (x, step, timestep, into) ->
        cfg.combine(step(x, copies, timestep), batch, channels, into);
  }

  /**
   * Whether a loop with these inputs can reuse this one's tensors (same names, roles and shapes).
   */
  boolean fits(Map<String, StageInput> values, String sample, String timestep) {
    if (!sampleInput.equals(sample)
        || !timestepInput.equals(timestep)
        || !values.keySet().equals(inputs.keySet())) {
      return false;
    }
    for (Map.Entry<String, StageInput> e : values.entrySet()) {
      if (!Arrays.equals(inputs.get(e.getKey()).getInfo().getShape(), e.getValue().shape())) {
        return false;
      }
    }
    return true;
  }

  /** The next loop's first values, written over this one's. */
  void rebind(Map<String, StageInput> values) {
    feed.write(values);
  }

  @Override
  public void close() {
    session.loopEnded(this);
  }

  /** Frees the native tensors. */
  void release() {
    output.tensor().close();
    feed.close();
  }
}
