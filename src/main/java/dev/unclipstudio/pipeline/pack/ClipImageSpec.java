package dev.unclipstudio.pipeline.pack;

import dev.unclipstudio.pipeline.image.ClipImagePreprocessor;

/**
 * CLIP embedding size and image preprocessing of a pack.
 *
 * @param embedDim C, the length of every CLIP embedding
 * @param imageSize input size of the image encoder
 * @param resample pack.json {@code clip.resample}: "float" (default) or "pil"
 * @param crop pack.json {@code clip.crop}: "center" (default) or "none"
 */
public record ClipImageSpec(
    int embedDim,
    int imageSize,
    float[] imageMean,
    float[] imageStd,
    ClipImagePreprocessor.Resample resample,
    ClipImagePreprocessor.Crop crop) {

  public ClipImagePreprocessor preprocessor() {
    return new ClipImagePreprocessor(imageSize, imageMean, imageStd, resample, crop);
  }
}
