package dev.unclipstudio.pipeline.text;

import java.util.Arrays;

/**
 * Token ids and attention mask of a batch, both [rows, contextLength] row-major.
 *
 * @param ids token ids
 * @param mask true where the model attends
 * @param contextLength length of every row
 */
public record TokenizedBatch(int[] ids, boolean[] mask, int contextLength) {

  public TokenizedBatch {
    if (ids.length != mask.length || ids.length % contextLength != 0) {
      throw new IllegalArgumentException(
          "ids ("
              + ids.length
              + ") and mask ("
              + mask.length
              + ") must be rows of "
              + contextLength);
    }
  }

  public int rows() {
    return ids.length / contextLength;
  }

  public int[] idsOfRow(int row) {
    return Arrays.copyOfRange(ids, row * contextLength, (row + 1) * contextLength);
  }

  public boolean[] maskOfRow(int row) {
    return Arrays.copyOfRange(mask, row * contextLength, (row + 1) * contextLength);
  }
}
