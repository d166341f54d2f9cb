package dev.unclipstudio.pipeline;

/** What a request asks the engine for; written into every image's metadata. */
public enum RequestKind {
  TEXT_TO_IMAGE,
  VARIATION,
  INTERPOLATION,
  INPAINT
}
