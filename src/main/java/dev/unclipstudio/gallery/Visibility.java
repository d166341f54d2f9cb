package dev.unclipstudio.gallery;

/** Who may see an image besides its owner and the admins. */
public enum Visibility {
  /** Nobody else (the default). */
  PRIVATE("Private"),
  /** Every signed-in user, in the shared gallery. */
  SHARED("Shared in the gallery");

  private final String label;

  Visibility(String label) {
    this.label = label;
  }

  /** What people read; the constant's name is what the database and the API store. */
  public String label() {
    return label;
  }
}
