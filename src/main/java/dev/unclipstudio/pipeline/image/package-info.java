/**
 * Image values and operations around the networks: RGB images, PIL/PyTorch-compatible antialiased
 * bicubic resizing, CLIP preprocessing, conversions to and from [-1, 1] tensors, PNG writing and
 * safe decoding of uploads.
 */
package dev.unclipstudio.pipeline.image;
