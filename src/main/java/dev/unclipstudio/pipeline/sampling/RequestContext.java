package dev.unclipstudio.pipeline.sampling;

import dev.unclipstudio.pipeline.NoiseSource;

/**
 * What every loop of one request shares: its noise (one stream per image and stage) and its
 * progress over all stages.
 */
public record RequestContext(NoiseSource noise, Progress progress) {}
