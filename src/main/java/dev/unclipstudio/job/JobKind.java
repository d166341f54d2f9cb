package dev.unclipstudio.job;

/** What a job asks the engine for. */
public enum JobKind {
  TEXT_TO_IMAGE,
  VARIATION,
  INTERPOLATION,
  INPAINT
}
