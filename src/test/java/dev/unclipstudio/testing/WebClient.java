package dev.unclipstudio.testing;

import static io.restassured.RestAssured.given;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser-like HTTP client for page tests: keeps cookies, and posts forms with the CSRF token the
 * way a page would (read from the form it renders). {@link #postWithoutCsrf} posts as a forged
 * cross-site form would.
 */
public final class WebClient {

  private static final Pattern CSRF = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

  private final Map<String, String> cookies = new HashMap<>();

  public static WebClient anonymous() {
    return new WebClient();
  }

  /** Signs in through the sign-in form. */
  public static WebClient signedIn(String username, String password) {
    WebClient client = new WebClient();
    Response r = client.post("/login", Map.of("username", username, "password", password));
    if (r.statusCode() != 303) {
      throw new AssertionError("sign-in of " + username + " failed: " + r.statusCode());
    }
    return client;
  }

  public Response get(String path) {
    Response r = request().get(path);
    remember(r);
    return r;
  }

  /**
   * Posts a form with the CSRF token of the page at {@code formPage} (default: the sign-in page).
   */
  public Response post(String path, Map<String, ?> form) {
    String token = csrfToken();
    Map<String, Object> fields = new HashMap<>(form);
    fields.put("csrf-token", token);
    Response r =
        given()
            .redirects()
            .follow(false)
            .cookies(cookies)
            .contentType("application/x-www-form-urlencoded")
            .formParams(fields)
            .post(path);
    remember(r);
    return r;
  }

  /**
   * Posts a multipart form (files as name → PNG/JPEG bytes) with the CSRF token, as the upload
   * pages do.
   */
  public Response postMultipart(
      String path, Map<String, String> fields, Map<String, byte[]> files) {
    String token = csrfToken();
    RequestSpecification spec =
        given().redirects().follow(false).cookies(cookies).multiPart("csrf-token", token);
    for (Map.Entry<String, String> field : fields.entrySet()) {
      spec = spec.multiPart(field.getKey(), field.getValue());
    }
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      spec = spec.multiPart(file.getKey(), file.getKey() + ".png", file.getValue(), "image/png");
    }
    Response r = spec.post(path);
    remember(r);
    return r;
  }

  public Response postWithoutCsrf(String path, Map<String, ?> form) {
    return given()
        .redirects()
        .follow(false)
        .cookies(cookies)
        .contentType("application/x-www-form-urlencoded")
        .formParams(form)
        .post(path);
  }

  /**
   * Posts nothing at all, no body and no content type, as {@code curl -X POST} or a forged {@code
   * fetch} would (REST Assured would add a form content type, so this goes through the JDK client).
   */
  public HttpResponse<String> postEmptyWithoutCsrf(String path) {
    StringBuilder cookieHeader = new StringBuilder();
    cookies.forEach(
        (name, value) -> cookieHeader.append(name).append('=').append(value).append("; "));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + path))
            .POST(HttpRequest.BodyPublishers.noBody());
    if (!cookies.isEmpty()) {
      request.header("Cookie", cookieHeader.toString());
    }
    try {
      return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("POST " + path + " failed", e);
    }
  }

  public String cookie(String name) {
    return cookies.get(name);
  }

  public void forget(String name) {
    cookies.remove(name);
  }

  private String csrfToken() {
    Response page = get("/login");
    Matcher m = CSRF.matcher(page.asString());
    if (!m.find()) {
      throw new AssertionError("no CSRF token on the sign-in page");
    }
    return m.group(1);
  }

  private RequestSpecification request() {
    // Paths are sent as a browser would send them (a '+' in a query is a space), not re-encoded.
    return given().urlEncodingEnabled(false).redirects().follow(false).cookies(cookies);
  }

  private void remember(Response r) {
    r.getDetailedCookies()
        .forEach(
            c -> {
              if (c.getMaxAge() == 0 || c.getValue().isEmpty()) {
                cookies.remove(c.getName());
              } else {
                cookies.put(c.getName(), c.getValue());
              }
            });
  }
}
