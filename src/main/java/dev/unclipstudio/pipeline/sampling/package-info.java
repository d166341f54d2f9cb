/**
 * The denoising loop shared by every diffusion stage, with progress reporting and cancellation
 * between steps.
 */
package dev.unclipstudio.pipeline.sampling;
