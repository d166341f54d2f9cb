package dev.unclipstudio.pipeline.onnx;

import dev.unclipstudio.pipeline.pack.ModelPackException;
import dev.unclipstudio.pipeline.pack.StageSpec;
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import java.util.HashMap;
import java.util.Map;

/**
 * A GLIDE-style text-conditional inpainting UNet ({@code inpaint_base} or {@code inpaint_upsampler}
 * stage).
 */
public final class InpaintModel implements AutoCloseable {

  private final StageSession session;

  private InpaintModel(StageSession session) {
    this.session = session;
  }

  public static InpaintModel open(StageSpec spec, EngineOptions options) throws ModelPackException {
    return new InpaintModel(StageSession.open(spec, options));
  }

  /** "cpu" or "cuda:N": where the session actually runs. */
  public String device() {
    return session.device();
  }

  /**
   * What every step of one inpainting loop is conditioned on.
   *
   * @param tokens [N, L'] ids
   * @param tokenMask [N, L'] token mask
   * @param inpaintImage [N, 3, S, S] source (the graph multiplies it by the mask)
   * @param inpaintMask [N, 1, S, S] 1 = keep
   */
  public record Conditioning(
      int[] tokens, boolean[] tokenMask, FloatTensor inpaintImage, FloatTensor inpaintMask) {}

  /**
   * The calls of a base model's sampling loop at side S; each step feeds x_t as {@code x}.
   *
   * @return steps whose output is [N, 6, S, S] ε ‖ v
   */
  public StageSteps steps(int side, Conditioning conditioning) {
    return session.steps(inputs(side, conditioning), "x", "timesteps");
  }

  /**
   * The calls of an inpainting upsampler's loop, which also sees the base result.
   *
   * @param lowRes [N, 3, S0, S0] the base model's result
   * @return steps whose output is [N, 6, S, S] ε ‖ v
   */
  public StageSteps upsamplerSteps(int side, Conditioning conditioning, FloatTensor lowRes) {
    Map<String, StageInput> inputs = inputs(side, conditioning);
    inputs.put("low_res", new StageInput.Floats(lowRes));
    return session.steps(inputs, "x", "timesteps");
  }

  private static Map<String, StageInput> inputs(int side, Conditioning c) {
    int n = c.inpaintImage().rows();
    long[] tokenShape = {n, c.tokens().length / n};
    Map<String, StageInput> inputs = new HashMap<>();
    inputs.put("x", new StageInput.Floats(FloatTensor.zeros(n, 3, side, side)));
    inputs.put("timesteps", StageInput.Ints.timestep(0, n));
    inputs.put("tokens", StageInput.Ints.of(c.tokens(), tokenShape));
    inputs.put("mask", new StageInput.Bools(c.tokenMask(), tokenShape));
    inputs.put("inpaint_image", new StageInput.Floats(c.inpaintImage()));
    inputs.put("inpaint_mask", new StageInput.Floats(c.inpaintMask()));
    return inputs;
  }

  @Override
  public void close() {
    session.close();
  }
}
