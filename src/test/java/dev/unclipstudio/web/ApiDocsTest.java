package dev.unclipstudio.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unclipstudio.account.ApiTokens;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.TestData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The API as its OpenAPI document describes it, and the API's 401 as it really answers: problem
 * details, whichever way the token is missing.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class ApiDocsTest {

  @Inject TestData data;
  @Inject ApiTokens tokens;

  private static final String PROBLEM_REF = "#/components/schemas/Problem";

  private static JsonPath document() {
    Response r = given().get("/q/openapi?format=json");
    assertEquals(200, r.statusCode());
    return r.jsonPath();
  }

  @Test
  void theDocumentDescribesTheJsonApiOnly() {
    Map<String, Object> paths = document().getMap("paths");
    assertFalse(paths.isEmpty());
    paths.keySet().forEach(p -> assertTrue(p.startsWith("/api/v1/"), p + " is not the API"));
    assertTrue(paths.containsKey("/api/v1/jobs"));
    assertTrue(paths.containsKey("/api/v1/images/{id}/png"));
    Map<String, Object> schemas = document().getMap("components.schemas");
    assertTrue(schemas.containsKey("JobView"));
    assertFalse(schemas.containsKey("TemplateInstance"), "the pages' schemas went with them");
  }

  @Test
  void submissionsAreDocumentedWithTheCodesTheyAnswer() {
    JsonPath doc = document();
    Map<String, Object> submit = doc.getMap("paths.'/api/v1/jobs'.post.responses");
    assertEquals(
        List.of("202", "400", "401", "413", "415", "422", "429", "503"),
        submit.keySet().stream().sorted().toList(),
        "202, not 200, and every refusal");
    assertTrue(
        doc.getString("paths.'/api/v1/jobs'.post.parameters.name").contains("Idempotency-Key"),
        "the Idempotency-Key header is described");
    Map<String, Object> variations = doc.getMap("paths.'/api/v1/jobs/variations'.post.responses");
    assertTrue(variations.containsKey("404"), variations.toString());
    assertEquals(
        "#/components/schemas/JobView",
        doc.getString(
            "paths.'/api/v1/jobs'.post.responses.'202'.content.'application/json'.schema.$ref"));
    assertEquals(
        List.of("200", "401", "404", "503"),
        doc.getMap("paths.'/api/v1/jobs/{id}'.get.responses").keySet().stream().sorted().toList());
  }

  @Test
  void everyErrorIsAProblemDocumentWithItsSchema() {
    JsonPath doc = document();
    Map<String, Map<String, Object>> paths = doc.getMap("paths");
    int errors = 0;
    for (String path : paths.keySet()) {
      for (String method : paths.get(path).keySet()) {
        Map<String, Object> responses = doc.getMap("paths.'" + path + "'." + method + ".responses");
        for (String code : responses.keySet()) {
          if (code.startsWith("4") || code.startsWith("5")) {
            errors++;
            assertEquals(
                PROBLEM_REF,
                doc.getString(
                    "paths.'%s'.%s.responses.'%s'.content.'application/problem+json'.schema.$ref"
                        .formatted(path, method, code)),
                method + " " + path + " " + code);
          }
        }
      }
    }
    assertTrue(errors > 20, "errors found: " + errors);
    Map<String, Object> problem = doc.getMap("components.schemas.Problem.properties");
    assertTrue(problem.keySet().containsAll(List.of("title", "status", "detail", "fields")));
    assertEquals("bearer", doc.getString("components.securitySchemes.token.scheme"));
  }

  @Test
  void theDocumentedExamplesAreWhatTheApiAcceptsAndAnswers() {
    JsonPath doc = document();
    String token = tokens.create(data.user("reader").id(), "docs");
    String body = json(doc.get(example("/api/v1/jobs", "requestBody", "text-to-image")));
    Response queued =
        given()
            .header("Authorization", "Bearer " + token)
            .contentType("application/json")
            .body(body)
            .post("/api/v1/jobs");
    assertEquals(202, queued.statusCode(), queued.asString());
    Map<String, Object> documented =
        doc.getMap(
            "paths.'/api/v1/jobs'.post.responses.'202'.content.'application/json'.examples.queued.value");
    assertEquals(
        documented.keySet().stream().sorted().toList(),
        queued.jsonPath().getMap("").keySet().stream().sorted().toList(),
        "the 202 example has the answer's fields");
    assertEquals(
        keys(documented.get("details")),
        keys(queued.jsonPath().getMap("details")),
        "and the same details");
    assertEquals(
        keys(((Map<?, ?>) documented.get("details")).get("params")),
        keys(queued.jsonPath().getMap("details.params")));
    for (String path : List.of("/api/v1/jobs/variations", "/api/v1/jobs/interpolations")) {
      String name = path.endsWith("variations") ? "variations" : "interpolation";
      Response r =
          given()
              .header("Authorization", "Bearer " + token)
              .contentType("application/json")
              .body(json(doc.get(example(path, "requestBody", name))))
              .post(path);
      assertEquals(
          404, r.statusCode(), path + ": valid fields, only the example's image is missing");
    }

    Response wrongType =
        given()
            .header("Authorization", "Bearer " + token)
            .contentType("application/json")
            .body("{\"prompt\": \"a red circle\", \"seed\": \"soon\"}")
            .post("/api/v1/jobs");
    assertEquals(400, wrongType.statusCode());
    Map<String, Object> problem =
        doc.getMap(
            "paths.'/api/v1/jobs'.post.responses.'400'.content.'application/problem+json'.example");
    assertEquals(wrongType.jsonPath().getMap(""), problem, "the 400 example is a real answer");
  }

  private static List<String> keys(Object map) {
    return ((Map<?, ?>) map).keySet().stream().map(String::valueOf).sorted().toList();
  }

  /** The path to a named example of a POST's request body. */
  private static String example(String path, String part, String name) {
    return "paths.'%s'.post.%s.content.'application/json'.examples.'%s'.value"
        .formatted(path, part, name);
  }

  private static String json(Object value) {
    try {
      return new ObjectMapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void swaggerUiIsServedWithTheScriptItNeedsAndThePagesKeepTheStrictPolicy() {
    Response ui = given().redirects().follow(true).get("/q/swagger-ui/");
    assertEquals(200, ui.statusCode());
    assertTrue(ui.asString().contains("swagger-ui-bundle.js"));
    assertTrue(ui.header("Content-Security-Policy").contains("script-src 'self' 'unsafe-inline'"));
    String pages =
        given().redirects().follow(false).get("/login").header("Content-Security-Policy");
    assertTrue(pages.contains("script-src 'self';"), pages);
    assertFalse(pages.contains("unsafe-inline"), pages);
  }

  @Test
  void apiCallsWithoutAValidTokenAnswer401AsProblemDetails() {
    List<Response> refused =
        List.of(
            given().get("/api/v1/jobs"),
            given().header("Authorization", "Bearer ucs_not-a-token").get("/api/v1/jobs"),
            given().header("Authorization", "Basic YWRtaW46YWRtaW4=").get("/api/v1/jobs/1"),
            given()
                .header("Authorization", "Bearer ucs_not-a-token")
                .contentType("application/json")
                .body("{\"prompt\": \"a red circle\"}")
                .post("/api/v1/jobs"),
            given().header("Authorization", "Bearer ").get("/api/v1/images/1/png"));
    for (Response r : refused) {
      assertEquals(401, r.statusCode(), r.asString());
      assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
      assertEquals(401, r.jsonPath().getInt("status"));
      assertEquals("Unauthorized", r.jsonPath().getString("title"));
      assertTrue(r.jsonPath().getString("detail").contains("API token"), r.asString());
      assertTrue(r.header("WWW-Authenticate").startsWith("Bearer"));
    }
  }

  @Test
  void pagesStillSendAnonymousVisitorsToSignIn() {
    Response r = given().redirects().follow(false).get("/jobs?page=2");
    assertEquals(302, r.statusCode());
    assertEquals(
        "/login?next=%2Fjobs%3Fpage%3D2", r.header("Location").replaceFirst("^https?://[^/]+", ""));
  }
}
