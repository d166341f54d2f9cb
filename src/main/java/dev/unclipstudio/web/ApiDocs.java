package dev.unclipstudio.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import jakarta.ws.rs.core.Application;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.RequestBody;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * The OpenAPI document at {@code /q/openapi}: the JSON API under {@code /api/} only (the pages are
 * HTML forms, not an API), every error as problem details with the {@link Problem} schema, and the
 * answers every operation can give stated here once instead of on each method. Operations state
 * their own outcomes ({@code 202}, {@code 404}, {@code 429}, …) with {@code @APIResponse}; the
 * {@link Filter} gives every error response the problem body.
 *
 * <p>An {@code Application} subclass only because that is where SmallRye reads {@code
 * OpenAPIDefinition}; it names no path and lists no classes, so JAX-RS serves every resource as
 * before.
 */
@OpenAPIDefinition(
    info =
        @Info(
            title = "Unclip Studio API",
            version = "1",
            description =
                "Submit and follow image jobs with a personal API token (create one on your account"
                    + " page; send Authorization: Bearer <token>). Errors are RFC 9457 problem"
                    + " details: title, status, detail, and fields naming each field at fault."),
    components =
        @Components(
            schemas =
                @org.eclipse.microprofile.openapi.annotations.media.Schema(
                    name = ApiDocs.PROBLEM,
                    implementation = Problem.class),
            securitySchemes =
                @SecurityScheme(
                    securitySchemeName = ApiDocs.TOKEN,
                    type = SecuritySchemeType.HTTP,
                    scheme = "bearer",
                    description = "A personal API token from the account page (ucs_…)")),
    security = @SecurityRequirement(name = ApiDocs.TOKEN))
public class ApiDocs extends Application {

  static final String PROBLEM = "Problem";
  static final String TOKEN = "token";

  /** Drops the pages and describes the errors, once the annotations have been read. */
  @OpenApiFilter(OpenApiFilter.RunStage.BUILD)
  public static class Filter implements OASFilter {

    /** Every operation: each one needs a token, and each one reads the database. */
    private static final Map<String, String> EVERY_OPERATION =
        Map.of(
            "401",
            "No valid API token: none sent, unknown, revoked, or its user is disabled.",
            "503",
            "The studio cannot serve this now (its database cannot be reached, or for a submission no"
                + " model pack is usable). Try again later.");

    /** Operations that read a JSON body. */
    private static final Map<String, String> WITH_BODY =
        Map.of(
            "400", "Malformed JSON, a wrong type or an unknown field (named in fields).",
            "413", "The body is larger than the studio accepts.",
            "415", "The body is not sent as application/json.");

    /**
     * A typical {@code detail} (and {@code fields}) per error code, for the examples: written as
     * the studio words its answers, turned into JSON by the same {@link Problem} record.
     */
    private static final Map<String, Problem> EXAMPLES =
        Map.of(
            "400",
            Problem.of(
                400,
                "Field \"seed\" has the wrong type or value.",
                Map.of("seed", "Field \"seed\" has the wrong type or value.")),
            "401",
            Problem.of(401, "Send a valid API token: Authorization: Bearer <token>.", Map.of()),
            "404",
            Problem.of(404, "No job of yours with this id.", Map.of()),
            "413",
            Problem.of(413, "The request is too large.", Map.of()),
            "415",
            Problem.of(415, "Send this request as application/json.", Map.of()),
            "429",
            Problem.of(
                429,
                "You already have 10 jobs queued or running, the most allowed. Wait for one to finish or"
                    + " cancel one.",
                Map.of()),
            "503",
            Problem.of(
                503, "The studio's database cannot be reached. Try again in a moment.", Map.of()));

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void filterOpenAPI(OpenAPI api) {
      List<String> pages =
          api.getPaths().getPathItems().keySet().stream()
              .filter(p -> !p.startsWith("/api/"))
              .toList();
      pages.forEach(api.getPaths()::removePathItem);
      api.getPaths()
          .getPathItems()
          .values()
          .forEach(item -> item.getOperations().values().forEach(Filter::describeErrors));
      keepSchemasOfTheApi(api);
    }

    /** The pages' schemas (templates and their engine) go with the pages. */
    private static void keepSchemasOfTheApi(OpenAPI api) {
      Map<String, Schema> all = api.getComponents().getSchemas();
      Set<String> used = new HashSet<>();
      Deque<Schema> toVisit = new LinkedList<>(); // takes nulls: absent parts are skipped below
      api.getPaths().getPathItems().values().stream()
          .flatMap(item -> item.getOperations().values().stream())
          .flatMap(Filter::schemasOf)
          .forEach(toVisit::add);
      while (!toVisit.isEmpty()) {
        Schema schema = toVisit.pop();
        if (schema == null) {
          continue;
        }
        if (schema.getRef() != null) {
          String name = schema.getRef().substring(schema.getRef().lastIndexOf('/') + 1);
          if (used.add(name)) {
            toVisit.add(all.get(name));
          }
        }
        if (schema.getProperties() != null) {
          toVisit.addAll(schema.getProperties().values());
        }
        toVisit.add(schema.getItems());
        toVisit.add(schema.getAdditionalPropertiesSchema());
        for (List<Schema> parts :
            Arrays.asList(schema.getAllOf(), schema.getAnyOf(), schema.getOneOf())) {
          if (parts != null) {
            toVisit.addAll(parts);
          }
        }
      }
      List.copyOf(all.keySet()).stream()
          .filter(name -> !used.contains(name))
          .forEach(api.getComponents()::removeSchema);
    }

    /** The schemas an operation's request and responses name directly. */
    private static Stream<Schema> schemasOf(Operation operation) {
      return Stream.concat(
              Stream.ofNullable(operation.getRequestBody()).map(RequestBody::getContent),
              operation.getResponses().getAPIResponses().values().stream()
                  .map(APIResponse::getContent))
          .filter(Objects::nonNull)
          .flatMap(content -> content.getMediaTypes().values().stream())
          .map(MediaType::getSchema);
    }

    private static void describeErrors(Operation operation) {
      APIResponses responses = operation.getResponses();
      EVERY_OPERATION.forEach((code, text) -> addIfAbsent(responses, code, text));
      if (operation.getRequestBody() != null) {
        WITH_BODY.forEach((code, text) -> addIfAbsent(responses, code, text));
      }
      responses.getAPIResponses().forEach(Filter::problemBody);
    }

    private static void addIfAbsent(APIResponses responses, String code, String description) {
      if (!responses.hasAPIResponse(code)) {
        responses.addAPIResponse(code, OASFactory.createAPIResponse().description(description));
      }
    }

    /** A 4xx or 5xx answer is a problem document. */
    private static void problemBody(String code, APIResponse response) {
      if (code.startsWith("4") || code.startsWith("5")) {
        MediaType problem =
            OASFactory.createMediaType()
                .schema(OASFactory.createSchema().ref("#/components/schemas/" + PROBLEM));
        Problem example = EXAMPLES.get(code);
        if (example != null) {
          problem.example(JSON.convertValue(example, Map.class));
        }
        response.content(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, problem));
      }
    }
  }
}
