package dev.unclipstudio.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
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
