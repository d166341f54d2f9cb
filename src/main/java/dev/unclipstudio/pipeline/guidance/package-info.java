/**
 * Classifier-free guidance: how the two halves of a batch are laid out and combined (spec §3.5).
 */
package dev.unclipstudio.pipeline.guidance;
