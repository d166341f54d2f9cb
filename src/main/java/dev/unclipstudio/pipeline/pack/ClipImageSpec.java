package dev.unclipstudio.pipeline.pack;

/**
 * CLIP embedding size and image preprocessing of a pack.
 *
 * @param embedDim C, the length of every CLIP embedding
 * @param imageSize input size of the image encoder
 */
public record ClipImageSpec(int embedDim, int imageSize, float[] imageMean, float[] imageStd) {}
