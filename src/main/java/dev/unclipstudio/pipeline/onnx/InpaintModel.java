package dev.unclipstudio.pipeline.onnx;

import dev.unclipstudio.pipeline.pack.ModelPackException;
import dev.unclipstudio.pipeline.pack.StageSpec;
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import java.util.HashMap;
import java.util.Map;

/** A GLIDE-style text-conditional inpainting UNet ({@code inpaint_base} or {@code inpaint_upsampler} stage). */
public final class InpaintModel implements AutoCloseable {

  private final StageSession session;

  private InpaintModel(StageSession session) {
    this.session = session;
  }

  public static InpaintModel open(StageSpec spec, EngineOptions options) throws ModelPackException {
    return new InpaintModel(StageSession.open(spec, options));
  }

  /**
   * The calls of one sampling loop, the prompt and the known image fixed; each step feeds x_t as {@code x}.
   *
   * @param side S
   * @param tokens [N, L'] ids
   * @param mask [N, L'] token mask
   * @param inpaintImage [N, 3, S, S] source (graph multiplies by the mask)
   * @param inpaintMask [N, 1, S, S] 1 = keep
   * @param lowRes [N, 3, S0, S0] base result for an inpainting upsampler, else null
   * @return steps whose output is [N, 6, S, S] ε ‖ v
   */
  public StageSession.Steps steps(int side, int[] tokens, boolean[] mask, FloatTensor inpaintImage,
      FloatTensor inpaintMask, FloatTensor lowRes) {
    int n = inpaintImage.rows();
    long[] tokenShape = {n, tokens.length / n};
    Map<String, StageInput> inputs = new HashMap<>();
    inputs.put("x", new StageInput.Floats(FloatTensor.zeros(n, 3, side, side)));
    inputs.put("timesteps", StageInput.Ints.timestep(0, n));
    inputs.put("tokens", StageInput.Ints.of(tokens, tokenShape));
    inputs.put("mask", new StageInput.Bools(mask, tokenShape));
    inputs.put("inpaint_image", new StageInput.Floats(inpaintImage));
    inputs.put("inpaint_mask", new StageInput.Floats(inpaintMask));
    if (lowRes != null) {
      inputs.put("low_res", new StageInput.Floats(lowRes));
    }
    return session.steps(inputs, "x", "timesteps");
  }

  @Override
  public void close() {
    session.close();
  }
}
