package dev.unclipstudio.job;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how many uploads are decoded at once, so that many large uploads together cannot exhaust
 * the heap: each decode of a maximum-size upload holds about {@link #BYTES_PER_PIXEL} bytes per
 * pixel at its peak (the decoder's ARGB raster, our RGB copy, the re-encoded PNG), and the permits
 * are sized so that all of them together stay within a quarter of the heap. Uploads beyond that
 * wait their turn, for a while, and are then refused with a message — never an OutOfMemoryError.
 */
final class DecodeGate {

  /**
   * Peak bytes per pixel while one upload is decoded and re-encoded (measured order, rounded up).
   */
  static final int BYTES_PER_PIXEL = 12;

  private final Semaphore permits;
  private final int size;
  private final long waitMillis;

  DecodeGate(int permits, long waitMillis) {
    this.size = permits;
    this.permits = new Semaphore(permits, true);
    this.waitMillis = waitMillis;
  }

  /**
   * Permits for this JVM: a quarter of the maximum heap over one maximum-size upload, at least 1.
   */
  static DecodeGate forHeap(long maxHeapBytes, long maxPixels) {
    long perUpload = maxPixels * BYTES_PER_PIXEL;
    int permits = (int) Math.max(1, Math.min(16, maxHeapBytes / 4 / perUpload));
    return new DecodeGate(permits, 30_000);
  }

  int size() {
    return size;
  }

  /** What happens under a permit. */
  @FunctionalInterface
  interface Work<T, E extends Exception> {
    T run() throws E;
  }

  /**
   * Runs {@code work} holding a permit.
   *
   * @throws BusyException when no permit came free in time
   */
  <T, E extends Exception> T run(Work<T, E> work) throws E, BusyException {
    boolean acquired;
    try {
      acquired = permits.tryAcquire(waitMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BusyException();
    }
    if (!acquired) {
      throw new BusyException();
    }
    try {
      return work.run();
    } finally {
      permits.release();
    }
  }

  /** No permit came free in time. */
  static final class BusyException extends Exception {
    BusyException() {
      super("The studio is reading other large uploads right now. Try again in a moment.");
    }
  }
}
