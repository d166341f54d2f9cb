package dev.unclipstudio.pipeline.guidance;

/** Which half of a guided batch holds the unconditional rows. */
public enum GuidanceLayout {
  /** diffusers unCLIP prior and decoder: {@code [uncond ; cond]}. */
  UNCOND_FIRST,
  /** GLIDE: {@code [cond ; uncond]}. */
  COND_FIRST
}
