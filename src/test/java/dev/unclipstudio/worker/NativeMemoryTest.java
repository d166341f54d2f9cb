package dev.unclipstudio.worker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NativeMemoryTest {

  private static final long MIB = 1024 * 1024;

  @Test
  void smallMachinesAndContainersGiveFreedBuffersBack() {
    assertFalse(NativeMemory.arenaFor(512 * MIB));
    assertFalse(NativeMemory.arenaFor(2048 * MIB - 1));
  }

  @Test
  void machinesWithTwoGibibytesOrMoreKeepTheArena() {
    assertTrue(NativeMemory.arenaFor(2048 * MIB));
    assertTrue(NativeMemory.arenaFor(24 * 1024 * MIB));
  }
}
