package dev.unclipstudio.gallery;

import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A ZIP of images written straight to the response, one PNG at a time: memory holds one image
 * however many are chosen. PNGs are compressed already, so entries are stored as they are (no
 * second compression that would only cost time).
 */
final class ImageZip implements StreamingOutput {

  /** One image and its file name inside the ZIP. */
  record Entry(long imageId, String fileName) {}

  private final List<Entry> entries;
  private final ImageStore store;

  ImageZip(List<Entry> entries, ImageStore store) {
    this.entries = List.copyOf(entries);
    this.store = store;
  }

  @Override
  public void write(OutputStream out) throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Entry entry : entries) {
        byte[] png = store.png(entry.imageId());
        zip.putNextEntry(stored(entry.fileName(), png));
        zip.write(png);
        zip.closeEntry();
      }
    }
  }

  /** A stored entry must name its size and checksum before its bytes. */
  private static ZipEntry stored(String name, byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(bytes.length);
    e.setCompressedSize(bytes.length);
    e.setCrc(crc.getValue());
    return e;
  }
}
