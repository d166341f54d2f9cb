package dev.unclipstudio.pipeline.unclip;

import dev.unclipstudio.pipeline.onnx.TextEncoding;
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * The prompt encoding of every image of a batch, in batch order, laid out as the prior and the
 * decoder feed it: images of one request share its encoding, a batch of several requests has one
 * per request.
 */
record ImagePrompts(List<PromptEncoding> images) {

  static ImagePrompts same(PromptEncoding prompt, int batch) {
    return new ImagePrompts(Collections.nCopies(batch, prompt));
  }

  int batch() {
    return images.size();
  }

  /** [uncond × B ; cond × B] when guided, else [cond × B]: text_embeds [N, C], hidden [N, L, W]. */
  TextEncoding rows(boolean guided) {
    FloatTensor te = stack(p -> p.cond().textEmbeds());
    FloatTensor th = stack(p -> p.cond().lastHiddenState());
    if (!guided) {
      return new TextEncoding(te, th);
    }
    return new TextEncoding(
        stack(p -> p.uncond().textEmbeds()).concatRows(te),
        stack(p -> p.uncond().lastHiddenState()).concatRows(th));
  }

  /** Token masks [N, L] in the same row order. */
  boolean[] mask(boolean guided) {
    int b = images.size();
    int l = images.get(0).condMask().length;
    int rows = guided ? 2 * b : b;
    boolean[] out = new boolean[rows * l];
    for (int r = 0; r < rows; r++) {
      PromptEncoding p = images.get(r % b);
      System.arraycopy(guided && r < b ? p.uncondMask() : p.condMask(), 0, out, r * l, l);
    }
    return out;
  }

  /** Each image's one row of a tensor, stacked: B × [1, ...] → [B, ...]. */
  private FloatTensor stack(Function<PromptEncoding, FloatTensor> row) {
    FloatTensor first = row.apply(images.get(0));
    int size = first.data().length;
    float[] data = new float[images.size() * size];
    for (int i = 0; i < images.size(); i++) {
      System.arraycopy(row.apply(images.get(i)).data(), 0, data, i * size, size);
    }
    long[] shape = first.shape().clone();
    shape[0] = images.size();
    return FloatTensor.of(data, shape);
  }
}
