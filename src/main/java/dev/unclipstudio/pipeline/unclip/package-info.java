/**
 * The unCLIP (Karlo-style) pipeline: text → CLIP image embedding → image, variations,
 * interpolation, text diffs.
 */
package dev.unclipstudio.pipeline.unclip;
