/**
 * Diffusion schedulers: beta schedules, Karlo/GLIDE timestep respacing and the per-step update
 * rules (ancestral DDPM, DDIM). Immutable and thread-safe; they work on flattened double arrays and
 * never call a model.
 */
package dev.unclipstudio.pipeline.schedule;
