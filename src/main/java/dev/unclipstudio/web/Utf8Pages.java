package dev.unclipstudio.web;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Hands every text response written from a String (the rendered pages above all) to Vert.x as UTF-8
 * bytes.
 *
 * <p>Why: a String is written by Netty's {@code ByteBufUtil.writeUtf8}, a loop that calls {@code
 * CharSequence.charAt} per character. Once that loop has also met other CharSequence types (the
 * JIT's profile decides, differently in each JVM run), each call goes through an interface
 * dispatch: an 11 KB page then takes ~27 µs instead of ~6 µs to write (measured alone), and under
 * {@code bench/web.sh} a third of the studio's CPU was in that loop in some runs and almost none in
 * others — the 2× spread between runs of the same build. {@link String#getBytes} is a JDK intrinsic
 * with no such lottery. Runs after every other response filter (entity-coder priority), so that
 * pages they put in place are converted too.
 */
public class Utf8Pages {

  @ServerResponseFilter(priority = Priorities.ENTITY_CODER)
  public void asUtf8Bytes(ContainerResponseContext response) {
    if (!(response.getEntity() instanceof String text)) {
      return;
    }
    MediaType type = response.getMediaType();
    if (type == null || !type.getType().equals("text")) {
      return;
    }
    String charset = type.getParameters().get(MediaType.CHARSET_PARAMETER);
    if (charset == null) {
      // a String's writer adds the charset to the type; bytes' would not
      response.setEntity(
          text.getBytes(StandardCharsets.UTF_8),
          response.getEntityAnnotations(),
          type.withCharset("UTF-8"));
    } else if (charset.equalsIgnoreCase("UTF-8")) {
      response.setEntity(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
