package dev.unclipstudio.pipeline;

import dev.unclipstudio.pipeline.image.RgbImage;
import dev.unclipstudio.pipeline.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a pipeline produced for B images.
 *
 * @param images [B, 3, H, W] in [0, 1], before quantisation
 * @param imageEmbeddings [B, C] CLIP image embeddings decoded from, or null (inpainting)
 * @param intermediates named tensors along the way, named as in the reference fixtures
 *     ("image_embeddings", "decoder_output", "base_output"), for checks against a reference
 * @param settings the stages run, in order, with the settings they used
 */
public record PipelineResult(
    FloatTensor images,
    FloatTensor imageEmbeddings,
    Map<String, FloatTensor> intermediates,
    List<StageSettings> settings) {

  /** 8-bit images: round(v · 255). */
  public List<RgbImage> rgbImages() {
    int b = images.rows();
    int h = (int) images.shape()[2];
    int w = (int) images.shape()[3];
    int hw = h * w;
    List<RgbImage> out = new ArrayList<>(b);
    float[] d = images.data();
    for (int i = 0; i < b; i++) {
      byte[] rgb = new byte[3 * hw];
      for (int p = 0; p < hw; p++) {
        for (int c = 0; c < 3; c++) {
          rgb[p * 3 + c] = (byte) Math.rint(d[(i * 3 + c) * hw + p] * 255.0);
        }
      }
      out.add(new RgbImage(w, h, rgb));
    }
    return out;
  }

  /** The results paired with their seeds. */
  public List<GeneratedImage> toGeneratedImages(List<Long> seeds) {
    List<RgbImage> rgb = rgbImages();
    List<GeneratedImage> out = new ArrayList<>(rgb.size());
    for (int i = 0; i < rgb.size(); i++) {
      float[] embedding = imageEmbeddings == null ? null : imageEmbeddings.rows(i, i + 1).data();
      out.add(new GeneratedImage(rgb.get(i), seeds.get(i), embedding, settings));
    }
    return out;
  }
}
