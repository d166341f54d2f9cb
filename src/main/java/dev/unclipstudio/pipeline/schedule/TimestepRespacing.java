package dev.unclipstudio.pipeline.schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Karlo/GLIDE {@code space_timesteps}: which of the training timesteps a respaced sampler keeps.
 * Specs: "25", "10,10,3,2,2" (sections), "fast27" (GLIDE upsampler), "ddim25" (evenly strided).
 */
public final class TimestepRespacing {

  private TimestepRespacing() {}

  /** Kept timesteps in sampling order (descending, e.g. 999 … 0). */
  public static int[] samplingOrder(String spec, int numTrainTimesteps) {
    TreeSet<Integer> kept = kept(spec.trim(), numTrainTimesteps);
    return kept.descendingSet().stream().mapToInt(Integer::intValue).toArray();
  }

  private static TreeSet<Integer> kept(String spec, int numTrainTimesteps) {
    if (spec.startsWith("ddim")) {
      int desired = Integer.parseInt(spec.substring(4));
      for (int stride = 1; stride < numTrainTimesteps; stride++) {
        if ((numTrainTimesteps + stride - 1) / stride == desired) {
          TreeSet<Integer> steps = new TreeSet<>();
          for (int t = 0; t < numTrainTimesteps; t += stride) {
            steps.add(t);
          }
          return steps;
        }
      }
      throw new IllegalArgumentException(
          "cannot create exactly " + desired + " steps with an integer stride");
    }
    if (spec.equals("fast27")) {
      // GLIDE: drop the noisiest step, which causes artifacts, for one slightly less noisy
      TreeSet<Integer> steps = kept("10,10,3,2,2", numTrainTimesteps);
      steps.remove(numTrainTimesteps - 1);
      steps.add(numTrainTimesteps - 3);
      return steps;
    }
    List<Integer> counts = new ArrayList<>();
    for (String part : spec.split(",")) {
      try {
        counts.add(Integer.parseInt(part.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "bad respacing \"" + spec + "\": expected e.g. 25, 10,10,3,2,2, fast27, ddim25");
      }
    }
    int sizePer = numTrainTimesteps / counts.size();
    int extra = numTrainTimesteps % counts.size();
    int start = 0;
    TreeSet<Integer> steps = new TreeSet<>();
    for (int i = 0; i < counts.size(); i++) {
      int size = sizePer + (i < extra ? 1 : 0);
      int count = counts.get(i);
      if (count < 1 || size < count) {
        throw new IllegalArgumentException(
            "cannot divide a section of " + size + " steps into " + count);
      }
      double stride = count <= 1 ? 1 : (double) (size - 1) / (count - 1);
      double cur = 0.0;
      for (int j = 0; j < count; j++) {
        steps.add(start + (int) Math.rint(cur)); // Python round(): half to even
        cur += stride;
      }
      start += size;
    }
    return steps;
  }
}
