package dev.unclipstudio.job;

/** What a job asks the engine for. */
public enum JobKind {
  TEXT_TO_IMAGE("Text to image"),
  VARIATION("Variations"),
  INTERPOLATION("Interpolation"),
  INPAINT("Inpainting");

  private final String label;

  JobKind(String label) {
    this.label = label;
  }

  /** What people read; the constant's name is what the database and the API store. */
  public String label() {
    return label;
  }
}
