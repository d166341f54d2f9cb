package dev.unclipstudio.pipeline.image;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.w3c.dom.Node;

/**
 * Writes PNGs carrying their generation parameters as text chunks (prompt, seed, steps, guidance,
 * pack): tEXt for Latin-1 values, iTXt (UTF-8) for anything else so prompts in any script survive.
 */
public final class PngCodec {

  private static final String FORMAT = "javax_imageio_png_1.0";

  private PngCodec() {}

  public static byte[] encode(RgbImage image, Map<String, String> text) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
    try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      var buffered = image.toBufferedImage();
      IIOMetadata metadata =
          writer.getDefaultImageMetadata(
              ImageTypeSpecifier.createFromRenderedImage(buffered), writer.getDefaultWriteParam());
      if (!text.isEmpty()) {
        metadata.mergeTree(FORMAT, textTree(text));
      }
      writer.setOutput(out);
      writer.write(null, new IIOImage(buffered, null, metadata), writer.getDefaultWriteParam());
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("PNG encoding failed", e);
    } finally {
      writer.dispose();
    }
  }

  private static IIOMetadataNode textTree(Map<String, String> text) {
    IIOMetadataNode root = new IIOMetadataNode(FORMAT);
    IIOMetadataNode tEXt = new IIOMetadataNode("tEXt");
    IIOMetadataNode iTXt = new IIOMetadataNode("iTXt");
    for (Map.Entry<String, String> e : text.entrySet()) {
      String value = e.getValue() == null ? "" : e.getValue();
      if (StandardCharsets.ISO_8859_1.newEncoder().canEncode(value)) {
        IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
        entry.setAttribute("keyword", e.getKey());
        entry.setAttribute("value", value);
        tEXt.appendChild(entry);
      } else {
        IIOMetadataNode entry = new IIOMetadataNode("iTXtEntry");
        entry.setAttribute("keyword", e.getKey());
        entry.setAttribute("compressionFlag", "FALSE");
        entry.setAttribute("compressionMethod", "0");
        entry.setAttribute("languageTag", "");
        entry.setAttribute("translatedKeyword", "");
        entry.setAttribute("text", value);
        iTXt.appendChild(entry);
      }
    }
    if (tEXt.hasChildNodes()) {
      root.appendChild(tEXt);
    }
    if (iTXt.hasChildNodes()) {
      root.appendChild(iTXt);
    }
    return root;
  }

  /** The text chunks of a PNG (tEXt and iTXt), in file order. */
  public static Map<String, String> readText(byte[] png) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    ImageReader reader = ImageIO.getImageReadersByFormatName("png").next();
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
      reader.setInput(in, true, false);
      Node root = reader.getImageMetadata(0).getAsTree(FORMAT);
      for (Node chunk = root.getFirstChild(); chunk != null; chunk = chunk.getNextSibling()) {
        boolean plain = chunk.getNodeName().equals("tEXt");
        if (!plain && !chunk.getNodeName().equals("iTXt")) {
          continue;
        }
        for (Node entry = chunk.getFirstChild(); entry != null; entry = entry.getNextSibling()) {
          var attributes = entry.getAttributes();
          out.put(
              attributes.getNamedItem("keyword").getNodeValue(),
              attributes.getNamedItem(plain ? "value" : "text").getNodeValue());
        }
      }
    } finally {
      reader.dispose();
    }
    return out;
  }
}
