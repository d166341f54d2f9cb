package dev.unclipstudio.pipeline.pack;

import dev.unclipstudio.pipeline.schedule.DiffusionConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * One stage of a pack.
 *
 * @param file the ONNX file, resolved against the pack directory
 * @param tokenizer name of the tokenizer feeding it, or null
 * @param imageSize H = W of its {@code sample}, or null for non-image stages
 * @param scheduler diffusion settings, or null for single-pass stages
 * @param guidanceScale default classifier-free guidance, or null
 */
public record StageSpec(
    String name,
    Path file,
    String tokenizer,
    Integer imageSize,
    Map<String, TensorSpec> inputs,
    Map<String, TensorSpec> outputs,
    DiffusionConfig scheduler,
    Double guidanceScale) {

  /** Default number of sampling steps (the size of the default respacing). */
  public int defaultSteps() {
    if (scheduler == null) {
      return 0;
    }
    return dev.unclipstudio.pipeline.schedule.TimestepRespacing.samplingOrder(
            scheduler.respacing(), scheduler.numTrainTimesteps())
        .length;
  }
}
