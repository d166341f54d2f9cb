package dev.unclipstudio.pipeline;

/**
 * Polled before every sampler step; once it says true the request stops with {@link
 * CancelledException}.
 */
@FunctionalInterface
public interface CancellationToken {

  CancellationToken NEVER = () -> false;

  boolean isCancelled();

  /** Throws {@link CancelledException} when cancelled. */
  default void throwIfCancelled(String where) {
    if (isCancelled()) {
      throw new CancelledException("cancelled before " + where);
    }
  }
}
