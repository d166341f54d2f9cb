package dev.unclipstudio.job;

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
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A job's page shows what it was asked for and offers to make it again. */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class JobPageTest {

  @Inject TestData data;

  @Test
  void theJobPageShowsSeedsSettingsAndPackAndCanMakeTheJobAgain() {
    data.reset();
    CurrentUser user = data.user("again");
    WebClient browser = WebClient.signedIn(user.username(), "password-" + user.username());
    Response submitted =
        browser.post(
            "/jobs",
            Map.of("prompt", "a green star", "images", "2", "seed", "41", "decoderSteps", "4"));
    assertEquals(303, submitted.statusCode());
    String path = URI.create(submitted.header("Location")).getPath();
    String html = browser.get(path).asString();
    assertTrue(html.contains("<dt>Seeds</dt><dd>41, 42</dd>"), html);
    assertTrue(html.contains("<dt>Decoder steps</dt><dd>4</dd>"), html);
    assertTrue(html.contains("<dt>Pack</dt><dd>tiny"), html);
    String remake =
        "/?prompt=a+green+star&amp;pack=tiny&amp;images=2&amp;seed=41&amp;decoderSteps=4";
    assertTrue(html.contains("href=\"" + remake + "\""), html);

    String form = browser.get(remake.replace("&amp;", "&")).asString();
    assertTrue(form.contains(">a green star</textarea>"));
    assertTrue(form.contains("value=\"41\""));
  }
}
