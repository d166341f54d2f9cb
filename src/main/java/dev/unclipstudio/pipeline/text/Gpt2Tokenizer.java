package dev.unclipstudio.pipeline.text;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * GLIDE's GPT-2 byte-level BPE ({@code glide_text2im/tokenizer/bpe.py}, spec §4.3): lowercase only,
 * no start/end tokens, cut to the context length, padded with the end token, mask true for real
 * tokens. Thread-safe.
 */
public final class Gpt2Tokenizer implements Tokenizer {

  private static final Pattern PRE_TOKEN =
      Pattern.compile(
          "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
          Pattern.UNICODE_CHARACTER_CLASS);

  private final Map<String, Integer> encoder;
  private final BytePairMerger merger;
  private final int contextLength;
  private final int endId;

  private Gpt2Tokenizer(Map<String, Integer> encoder, List<String[]> merges, int contextLength) {
    this.encoder = Map.copyOf(encoder);
    this.merger = new BytePairMerger(merges);
    this.contextLength = contextLength;
    this.endId = encoder.size() - 1; // bpe.py: end_token = n_vocab - 1
  }

  /**
   * Reads {@code encoder.json.gz} (symbol → id) and {@code vocab.bpe.gz} (a header line, then
   * merges).
   */
  public static Gpt2Tokenizer fromFiles(Path encoderJsonGz, Path vocabBpeGz, int contextLength)
      throws IOException {
    Map<String, Integer> encoder;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(encoderJsonGz))) {
      encoder = new ObjectMapper().readValue(in, new TypeReference<Map<String, Integer>>() {});
    }
    List<String[]> merges = new ArrayList<>();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(vocabBpeGz))) {
      List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      for (int i = 1; i < lines.size(); i++) {
        String[] parts = lines.get(i).split(" ");
        if (parts.length == 2) {
          merges.add(parts);
        }
      }
    }
    return new Gpt2Tokenizer(encoder, merges, contextLength);
  }

  @Override
  public int contextLength() {
    return contextLength;
  }

  public int endId() {
    return endId;
  }

  @Override
  public List<Integer> encode(String text) {
    List<Integer> ids = new ArrayList<>();
    Matcher m = PRE_TOKEN.matcher(text.toLowerCase(Locale.ROOT));
    while (m.find()) {
      String chars = ByteUnicode.encode(m.group());
      List<String> symbols = new ArrayList<>(chars.length());
      for (int i = 0; i < chars.length(); i++) {
        symbols.add(String.valueOf(chars.charAt(i)));
      }
      for (String symbol : merger.merge(symbols)) {
        Integer id = encoder.get(symbol);
        if (id == null) {
          throw new IllegalStateException("BPE symbol missing from the vocabulary: " + symbol);
        }
        ids.add(id);
      }
    }
    return ids;
  }

  @Override
  public TokenizedBatch tokenize(List<String> texts) {
    int[] ids = new int[texts.size() * contextLength];
    boolean[] mask = new boolean[ids.length];
    for (int row = 0; row < texts.size(); row++) {
      List<Integer> tokens = encode(texts.get(row));
      int base = row * contextLength;
      for (int i = 0; i < contextLength; i++) {
        boolean real = i < tokens.size();
        ids[base + i] = real ? tokens.get(i) : endId;
        mask[base + i] = real;
      }
    }
    return new TokenizedBatch(ids, mask, contextLength);
  }
}
