package dev.unclipstudio.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An API submission's {@code Idempotency-Key} header with a fingerprint of the request it came
 * with: the operation and its JSON body as read (so spacing and field order do not matter, while
 * any other value does). See {@link SubmissionKeys}.
 */
public record IdempotencyKey(String key, String requestHash) {

  public static final String HEADER = "Idempotency-Key";

  /** Longest key accepted: room for a UUID or a client's own request id. */
  public static final int MAX_LENGTH = 255;

  /**
   * The key for {@code header}, or null when the request sent none.
   *
   * @throws IllegalArgumentException with a message for the client when the header is not a key
   */
  public static IdempotencyKey of(String header, String operation, Object body, ObjectMapper json) {
    if (header == null) {
      return null;
    }
    if (header.isBlank()
        || header.length() > MAX_LENGTH
        || !header.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(
          "Send an %s of 1 to %d printable ASCII characters, for example a UUID."
              .formatted(HEADER, MAX_LENGTH));
    }
    try {
      byte[] request =
          (operation + "\n" + json.writeValueAsString(body)).getBytes(StandardCharsets.UTF_8);
      return new IdempotencyKey(
          header, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(request)));
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
