package dev.unclipstudio.job;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * One seed per image, consecutive from the first, so each image of a job can be made again alone.
 */
final class Seeds {

  private static final SecureRandom RANDOM = new SecureRandom();

  private Seeds() {}

  /** From the given first seed, or from a random one when it is null. */
  static List<Long> from(Long first, int count) {
    long start = first != null ? first : RANDOM.nextLong(1L << 48);
    List<Long> seeds = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      seeds.add(start + i);
    }
    return seeds;
  }
}
