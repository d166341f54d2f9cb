/**
 * The inference engine's public face: {@link dev.unclipstudio.pipeline.Engine} opens a model pack
 * once and runs text-to-image, image variations, interpolation and inpainting requests. Plain Java
 * and ONNX Runtime only.
 */
package dev.unclipstudio.pipeline;
