package dev.unclipstudio.gallery;

/** Who may see an image besides its owner and the admins. */
public enum Visibility {
  /** Nobody else (the default). */
  PRIVATE,
  /** Every signed-in user, in the shared gallery. */
  SHARED
}
