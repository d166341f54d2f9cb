package dev.unclipstudio.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.TestData;
import dev.unclipstudio.testing.WebClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.nio.charset.StandardCharsets;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class Utf8PagesTest {

  /** Outside the Basic Multilingual Plane, accents and CJK: every width of UTF-8. */
  private static final String PROMPT = "café — 東京の夜 🎨";

  @Inject TestData data;

  CurrentUser user;

  @BeforeEach
  void setUp() {
    data.reset();
    user = data.user("writer");
  }

  /**
   * Runs after {@link Utf8Pages} (response filters run in descending priority) and, when asked by a
   * request header, says which type of entity reached the writer.
   */
  public static class EntityProbe {
    @ServerResponseFilter(priority = Priorities.ENTITY_CODER - 1)
    public void tell(ContainerRequestContext request, ContainerResponseContext response) {
      if (request.getHeaderString("X-Entity-Probe") != null && response.getEntity() != null) {
        response.getHeaders().putSingle("X-Entity-Type", response.getEntity().getClass().getName());
      }
    }
  }

  @Test
  void aPageReachesTheWriterAsUtf8BytesWithItsCharsetAndEveryCharacterIntact() {
    data.finishedImage(user, PROMPT);
    WebClient browser = WebClient.signedIn(user.username(), "password-" + user.username());

    Response page =
        given()
            .cookie("studio_session", browser.cookie("studio_session"))
            .header("X-Entity-Probe", "1")
            .get("/gallery?mine=true");

    assertEquals(200, page.statusCode());
    assertEquals(byte[].class.getName(), page.header("X-Entity-Type"));
    assertEquals("text/html;charset=UTF-8", page.contentType().replace(" ", ""));
    String html = new String(page.asByteArray(), StandardCharsets.UTF_8);
    assertTrue(html.contains(PROMPT), html);
    assertEquals(
        page.asByteArray().length, Integer.parseInt(page.header("Content-Length")), "length");
  }
}
