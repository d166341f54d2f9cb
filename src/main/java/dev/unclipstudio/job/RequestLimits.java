package dev.unclipstudio.job;

import dev.unclipstudio.config.StudioConfig;

/**
 * The configurable limits a request is checked against (the fixed ones are in {@link
 * RequestRules}).
 */
public record RequestLimits(int maxPromptLength, int maxImagesPerJob) {

  static RequestLimits of(StudioConfig config) {
    return new RequestLimits(config.queue().maxPromptLength(), config.queue().maxImagesPerJob());
  }
}
