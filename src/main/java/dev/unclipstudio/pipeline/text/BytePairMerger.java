package dev.unclipstudio.pipeline.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-pair merging of one pre-token by merge rank, as in CLIP's and GPT-2's {@code bpe()}:
 * repeatedly merge every occurrence of the adjacent pair with the lowest rank until no ranked pair
 * is left. Thread-safe; results are cached.
 */
final class BytePairMerger {

  private final Map<String, Integer> ranks;
  private final Map<String, List<String>> cache = new ConcurrentHashMap<>();

  /**
   * @param merges merge pairs in rank order, each {first, second}
   */
  BytePairMerger(List<String[]> merges) {
    Map<String, Integer> r = new HashMap<>(merges.size() * 2);
    for (int i = 0; i < merges.size(); i++) {
      r.putIfAbsent(key(merges.get(i)[0], merges.get(i)[1]), i);
    }
    this.ranks = r;
  }

  private static String key(String first, String second) {
    return first + '\u0000' + second;
  }

  /** Merges the initial symbols of one pre-token into BPE symbols. */
  List<String> merge(List<String> symbols) {
    String cacheKey = String.join("\u0001", symbols);
    List<String> cached = cache.get(cacheKey);
    if (cached != null) {
      return cached;
    }
    List<String> word = new ArrayList<>(symbols);
    while (word.size() > 1) {
      int bestRank = Integer.MAX_VALUE;
      String first = null;
      String second = null;
      for (int i = 0; i + 1 < word.size(); i++) {
        Integer rank = ranks.get(key(word.get(i), word.get(i + 1)));
        if (rank != null && rank < bestRank) {
          bestRank = rank;
          first = word.get(i);
          second = word.get(i + 1);
        }
      }
      if (first == null) {
        break;
      }
      List<String> merged = new ArrayList<>(word.size());
      for (int i = 0; i < word.size(); i++) {
        if (i + 1 < word.size() && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
          merged.add(first + second);
          i++;
        } else {
          merged.add(word.get(i));
        }
      }
      word = merged;
    }
    List<String> result = List.copyOf(word);
    cache.put(cacheKey, result);
    return result;
  }
}
