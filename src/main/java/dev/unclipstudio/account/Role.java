package dev.unclipstudio.account;

/** What a user may do: USER works with their own jobs and images, ADMIN runs the studio. */
public enum Role {
  USER,
  ADMIN
}
