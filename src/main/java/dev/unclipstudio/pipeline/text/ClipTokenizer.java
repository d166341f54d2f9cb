package dev.unclipstudio.pipeline.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * CLIP's byte-level BPE ({@code clip/simple_tokenizer.py} + {@code clip.tokenize}, spec §4.1): rows
 * are {@code [SOT] ids [EOT]}, cut to the context length with the last id forced to EOT, padded
 * with 0, mask true for SOT..EOT. Thread-safe.
 */
public final class ClipTokenizer implements Tokenizer {

  public static final String START_OF_TEXT = "<|startoftext|>";
  public static final String END_OF_TEXT = "<|endoftext|>";
  private static final String END_OF_WORD = "</w>";
  private static final int PAD_ID = 0;

  private static final int FLAGS =
      Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS;
  private static final Pattern PRE_TOKEN =
      Pattern.compile(
          "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
          FLAGS);
  private static final Pattern WHITESPACE =
      Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

  private final Map<String, Integer> encoder;
  private final BytePairMerger merger;
  private final int contextLength;
  private final int startId;
  private final int endId;

  private ClipTokenizer(List<String[]> merges, int contextLength) {
    if (contextLength < 2) {
      throw new IllegalArgumentException("context length must be at least 2: " + contextLength);
    }
    Map<String, Integer> enc = new HashMap<>();
    char[] alphabet = ByteUnicode.alphabet();
    for (char c : alphabet) {
      enc.put(String.valueOf(c), enc.size());
    }
    for (char c : alphabet) {
      enc.put(c + END_OF_WORD, enc.size());
    }
    for (String[] merge : merges) {
      enc.put(merge[0] + merge[1], enc.size());
    }
    this.startId = enc.size();
    enc.put(START_OF_TEXT, startId);
    this.endId = enc.size();
    enc.put(END_OF_TEXT, endId);
    this.encoder = Map.copyOf(enc);
    this.merger = new BytePairMerger(merges);
    this.contextLength = contextLength;
  }

  /**
   * Reads a CLIP merges file (gzip; a header line, then one "first second" merge per line).
   *
   * @param maxMerges how many merges to use, or null for all (real CLIP: 48894)
   */
  public static ClipTokenizer fromMergesFile(Path mergesGz, int contextLength, Integer maxMerges)
      throws IOException {
    List<String> lines;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(mergesGz))) {
      lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
    List<String[]> merges = new ArrayList<>();
    for (int i = 1; i < lines.size() && (maxMerges == null || merges.size() < maxMerges); i++) {
      String[] parts = lines.get(i).trim().split("\\s+");
      if (parts.length == 2) {
        merges.add(parts);
      }
    }
    return new ClipTokenizer(merges, contextLength);
  }

  @Override
  public int contextLength() {
    return contextLength;
  }

  public int vocabularySize() {
    return encoder.size();
  }

  public int startId() {
    return startId;
  }

  public int endId() {
    return endId;
  }

  /** NFC (stands in for ftfy), HTML-unescape twice, collapse whitespace, lowercase. */
  static String clean(String text) {
    String t = Normalizer.normalize(text, Normalizer.Form.NFC);
    t = HtmlEntities.unescape(HtmlEntities.unescape(t));
    t = WHITESPACE.matcher(t).replaceAll(" ").strip();
    return t.toLowerCase(Locale.ROOT);
  }

  @Override
  public List<Integer> encode(String text) {
    List<Integer> ids = new ArrayList<>();
    Matcher m = PRE_TOKEN.matcher(clean(text));
    while (m.find()) {
      String token = m.group();
      if (token.equals(START_OF_TEXT) || token.equals(END_OF_TEXT)) {
        ids.add(encoder.get(token));
        continue;
      }
      String chars = ByteUnicode.encode(token);
      List<String> symbols = new ArrayList<>(chars.length());
      for (int i = 0; i < chars.length() - 1; i++) {
        symbols.add(String.valueOf(chars.charAt(i)));
      }
      symbols.add(chars.charAt(chars.length() - 1) + END_OF_WORD);
      for (String symbol : merger.merge(symbols)) {
        ids.add(idOf(symbol));
      }
    }
    return ids;
  }

  private int idOf(String symbol) {
    Integer id = encoder.get(symbol);
    if (id == null) {
      throw new IllegalStateException("BPE symbol missing from the vocabulary: " + symbol);
    }
    return id;
  }

  @Override
  public TokenizedBatch tokenize(List<String> texts) {
    int[] ids = new int[texts.size() * contextLength];
    boolean[] mask = new boolean[ids.length];
    for (int row = 0; row < texts.size(); row++) {
      List<Integer> tokens = new ArrayList<>();
      tokens.add(startId);
      tokens.addAll(encode(texts.get(row)));
      tokens.add(endId);
      if (tokens.size() > contextLength) {
        tokens = new ArrayList<>(tokens.subList(0, contextLength));
        tokens.set(contextLength - 1, endId);
      }
      int base = row * contextLength;
      for (int i = 0; i < contextLength; i++) {
        boolean real = i < tokens.size();
        ids[base + i] = real ? tokens.get(i) : PAD_ID;
        mask[base + i] = real;
      }
    }
    return new TokenizedBatch(ids, mask, contextLength);
  }
}
