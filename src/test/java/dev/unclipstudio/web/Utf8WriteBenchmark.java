package dev.unclipstudio.web;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.AsciiString;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Why {@link Utf8Pages} exists: microseconds to write an 11 KB page into a pooled direct buffer as
 * Vert.x writes a String (Netty's {@code writeCharSequence}, a {@code charAt} per character) and as
 * bytes ({@code String.getBytes} then one copy). With {@code polluted}, the String loop has first
 * met three other CharSequence types, as it may in a server (its JIT profile is then megamorphic).
 * Each case needs a JVM of its own, since the profile is the point: bench/utf8.sh runs them.
 */
public final class Utf8WriteBenchmark {

  private static final int PAGES = 20_000;

  private Utf8WriteBenchmark() {}

  public static void main(String[] args) {
    String mode = args.length > 0 ? args[0] : "string";
    StringBuilder html = new StringBuilder();
    while (html.length() < 11_000) {
      html.append(
          "<li class=\"card\"><a href=\"/images/123\">a red circle at the top · #1234</a></li>\n");
    }
    String page = html.toString();
    ByteBufAllocator buffers = PooledByteBufAllocator.DEFAULT;
    if (mode.equals("polluted")) {
      CharSequence[] others = {
        new StringBuilder(page), new AsciiString(page.replace('·', '.')), CharBuffer.wrap(page)
      };
      for (int i = 0; i < PAGES; i++) {
        ByteBuf buffer = buffers.directBuffer(16_384);
        buffer.writeCharSequence(others[i % others.length], StandardCharsets.UTF_8);
        buffer.release();
      }
    }
    for (int round = 1; round <= 5; round++) {
      long start = System.nanoTime();
      for (int i = 0; i < PAGES; i++) {
        ByteBuf buffer = buffers.directBuffer(16_384);
        if (mode.equals("bytes")) {
          buffer.writeBytes(page.getBytes(StandardCharsets.UTF_8));
        } else {
          buffer.writeCharSequence(page, StandardCharsets.UTF_8);
        }
        buffer.release();
      }
      System.out.printf(
          "BENCH utf8 mode=%s round=%d %.1f us/page%n",
          mode, round, (System.nanoTime() - start) / 1_000.0 / PAGES);
    }
  }
}
