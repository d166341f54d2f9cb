package dev.unclipstudio.pipeline.image;

import static dev.unclipstudio.testing.Fixtures.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageCodecTest {

  private static RgbImage gradient(int w, int h) {
    byte[] rgb = new byte[w * h * 3];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (byte) (i * 7);
    }
    return new RgbImage(w, h, rgb);
  }

  @Test
  void pngRoundTripKeepsPixelsAndTextChunks() throws Exception {
    Map<String, String> text = new LinkedHashMap<>();
    text.put("prompt", "a red circle");
    text.put("seed", "7");
    text.put("pack", "tiny 1");
    text.put("caption", "東京の夜景");
    RgbImage image = gradient(5, 3);
    byte[] png = PngCodec.encode(image, text);
    assertEquals(image, ImageDecoder.decode(png, ImageLimits.defaults()));
    assertEquals(text, PngCodec.readText(png));
    assertContains(new String(png, java.nio.charset.StandardCharsets.ISO_8859_1), "tEXtprompt");
  }

  @Test
  void jpegIsDecoded() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(gradient(8, 8).toBufferedImage(), "jpeg", out);
    RgbImage decoded = ImageDecoder.decode(out.toByteArray(), ImageLimits.defaults());
    assertEquals(8, decoded.width());
  }

  @Test
  void unknownFormatsAreRejectedByContentNotByName() {
    byte[] gif = "GIF89a....".getBytes();
    InvalidImageException e =
        assertThrows(
            InvalidImageException.class, () -> ImageDecoder.decode(gif, ImageLimits.defaults()));
    assertContains(e.getMessage(), "only PNG and JPEG");
  }

  @Test
  void oversizedFilesAreRejectedBeforeDecoding() {
    byte[] png = PngCodec.encode(gradient(4, 4), Map.of());
    InvalidImageException e =
        assertThrows(
            InvalidImageException.class,
            () -> ImageDecoder.decode(png, new ImageLimits(10, 100, 100)));
    assertContains(e.getMessage(), "bytes");
  }

  @Test
  void decompressionBombIsRejectedFromItsHeader() throws IOException {
    byte[] bomb = withDeclaredSize(PngCodec.encode(gradient(4, 4), Map.of()), 60_000, 60_000);
    InvalidImageException e =
        assertThrows(
            InvalidImageException.class, () -> ImageDecoder.decode(bomb, ImageLimits.defaults()));
    assertContains(e.getMessage(), "60000x60000");
    InvalidImageException pixels =
        assertThrows(
            InvalidImageException.class,
            () ->
                ImageDecoder.decode(
                    withDeclaredSize(PngCodec.encode(gradient(4, 4), Map.of()), 8000, 8000),
                    ImageLimits.defaults()));
    assertContains(pixels.getMessage(), "pixels");
  }

  @Test
  void truncatedPngIsReportedAsCorrupt() {
    byte[] png = PngCodec.encode(gradient(16, 16), Map.of());
    byte[] truncated = Arrays.copyOf(png, png.length / 2);
    InvalidImageException e =
        assertThrows(
            InvalidImageException.class,
            () -> ImageDecoder.decode(truncated, ImageLimits.defaults()));
    assertContains(e.getMessage(), "corrupt or truncated");
  }

  /** Rewrites the IHDR width/height (and its CRC) of a valid PNG. */
  private static byte[] withDeclaredSize(byte[] png, int width, int height) {
    byte[] out = png.clone();
    int ihdr = 8; // after the signature: length(4) "IHDR"(4) width(4) height(4) ...
    putInt(out, ihdr + 8, width);
    putInt(out, ihdr + 12, height);
    CRC32 crc = new CRC32();
    crc.update(out, ihdr + 4, 4 + 13);
    putInt(out, ihdr + 8 + 13, (int) crc.getValue());
    return out;
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }
}
