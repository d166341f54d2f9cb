package dev.unclipstudio.pipeline;

/**
 * The settings one stage of a request actually ran with, the pack's defaults filled in: what it
 * takes to make an image again, reported by the pipeline so that nobody resolves defaults a second
 * time.
 *
 * @param steps sampling steps
 * @param guidanceScale classifier-free guidance scale; 1 (none) for stages that take no guidance
 */
public record StageSettings(Stage stage, int steps, double guidanceScale) {}
