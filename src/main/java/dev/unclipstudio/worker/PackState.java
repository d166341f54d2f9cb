package dev.unclipstudio.worker;

/**
 * Whether a model pack is open on a worker (or, for the pool, on at least one of its workers), and
 * why not when it is not: health, the console and the queue's notes show it.
 *
 * @param pack the pack's name, or its folder when its manifest cannot be read
 */
public record PackState(String pack, boolean up, String problem) {

  static PackState up(String pack) {
    return new PackState(pack, true, null);
  }

  static PackState down(String pack, String problem) {
    return new PackState(pack, false, problem);
  }
}
