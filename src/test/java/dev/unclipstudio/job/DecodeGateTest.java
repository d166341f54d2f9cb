package dev.unclipstudio.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DecodeGateTest {

  private static final long MAX_PIXELS = 16L * 1024 * 1024;

  @Test
  void permitsKeepAllConcurrentDecodesWithinAQuarterOfTheHeap() {
    long perUpload = MAX_PIXELS * DecodeGate.BYTES_PER_PIXEL;
    assertEquals(1, DecodeGate.forHeap(512L << 20, MAX_PIXELS).size(), "-Xmx512m: one at a time");
    int atThreeGb = DecodeGate.forHeap(3L << 30, MAX_PIXELS).size();
    assertEquals((3L << 30) / 4 / perUpload, atThreeGb);
    assertEquals(16, DecodeGate.forHeap(1L << 40, MAX_PIXELS).size(), "capped");
  }

  @Test
  void neverMoreDecodesAtOnceThanPermitsAndLateOnesAreRefusedNotFailed() throws Exception {
    DecodeGate gate = new DecodeGate(2, 60_000);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      Future<?>[] runs = new Future<?>[6];
      for (int i = 0; i < runs.length; i++) {
        runs[i] =
            pool.submit(
                () ->
                    gate.run(
                        () -> {
                          most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                          release.await();
                          inside.decrementAndGet();
                          return null;
                        }));
      }
      dev.unclipstudio.testing.Await.until(
          java.time.Duration.ofSeconds(10), () -> inside.get() == 2);
      release.countDown();
      for (Future<?> run : runs) {
        run.get(10, TimeUnit.SECONDS);
      }
      assertEquals(2, most.get());
    } finally {
      pool.shutdownNow();
    }
    DecodeGate busy = new DecodeGate(1, 0);
    CountDownLatch hold = new CountDownLatch(1);
    CountDownLatch held = new CountDownLatch(1);
    Thread holder =
        new Thread(
            () -> {
              try {
                busy.run(
                    () -> {
                      held.countDown();
                      hold.await();
                      return null;
                    });
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    holder.start();
    held.await();
    assertThrows(DecodeGate.BusyException.class, () -> busy.run(() -> null));
    hold.countDown();
    holder.join();
  }
}
