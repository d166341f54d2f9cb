package dev.unclipstudio.account;

import dev.unclipstudio.config.StudioConfig;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Sign-up, sign-in, sign-out and the account page. */
@Path("/")
@Produces(MediaType.TEXT_HTML)
@Blocking
@Consumes({MediaType.APPLICATION_FORM_URLENCODED, MediaType.MULTIPART_FORM_DATA})
public class AuthResource {

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance login(
        String username, String next, String error, boolean signupEnabled);

    static native TemplateInstance signup(String username, Map<String, String> errors);

    static native TemplateInstance account(
        CurrentUser user,
        List<ApiTokens.Token> tokens,
        String newToken,
        String tokenError,
        Map<String, String> passwordErrors,
        boolean passwordChanged);
  }

  private final AccountService accounts;
  private final SessionStore sessions;
  private final ApiTokens apiTokens;
  private final StudioConfig config;
  private final SecurityIdentity identity;
  private final SignInThrottle throttle;
  private final SignUpLimit signUpLimit;

  AuthResource(
      AccountService accounts,
      SessionStore sessions,
      ApiTokens apiTokens,
      StudioConfig config,
      SecurityIdentity identity,
      SignInThrottle throttle,
      SignUpLimit signUpLimit) {
    this.accounts = accounts;
    this.sessions = sessions;
    this.apiTokens = apiTokens;
    this.config = config;
    this.identity = identity;
    this.throttle = throttle;
    this.signUpLimit = signUpLimit;
  }

  @GET
  @Path("login")
  public TemplateInstance loginPage(@QueryParam("next") String next) {
    return Templates.login("", next == null ? "" : next, null, config.accounts().signupEnabled());
  }

  @POST
  @Path("login")
  @Produces(MediaType.TEXT_HTML)
  public Response login(
      @FormParam("username") String username,
      @FormParam("password") String password,
      @FormParam("next") String next,
      @Context HttpServerRequest request) {
    String address = ClientAddress.of(request);
    // A throttled attempt is refused before the password is checked, so it tells a guesser nothing.
    Optional<Duration> wait = throttle.waitBefore(username, address);
    if (wait.isPresent()) {
      return Response.status(Response.Status.TOO_MANY_REQUESTS)
          .header("Retry-After", Math.max(1, wait.get().toSeconds()))
          .entity(loginPage(username, next, Backoff.message(wait.get())))
          .build();
    }
    Optional<CurrentUser> user = accounts.authenticate(username, password);
    if (user.isEmpty()) {
      throttle.failed(username, address);
      return Response.status(Response.Status.UNAUTHORIZED)
          .entity(
              loginPage(username, next, "Wrong username or password, or the account is disabled."))
          .build();
    }
    throttle.succeeded(username);
    String token = sessions.open(user.get().id());
    return Response.seeOther(LocalRedirect.to(next, "/"))
        .cookie(sessionCookie(token, false))
        .build();
  }

  private TemplateInstance loginPage(String username, String next, String error) {
    return Templates.login(
        username == null ? "" : username,
        next == null ? "" : next,
        error,
        config.accounts().signupEnabled());
  }

  @GET
  @Path("signup")
  public Response signupPage() {
    if (!config.accounts().signupEnabled()) {
      return Response.status(Response.Status.NOT_FOUND)
          .entity("Sign-up is turned off; ask an administrator.")
          .build();
    }
    return Response.ok(Templates.signup("", Map.of())).build();
  }

  @POST
  @Path("signup")
  public Response signup(
      @FormParam("username") String username,
      @FormParam("password") String password,
      @Context HttpServerRequest request) {
    if (!config.accounts().signupEnabled()) {
      return Response.status(Response.Status.NOT_FOUND)
          .entity("Sign-up is turned off; ask an administrator.")
          .build();
    }
    String name = username == null ? "" : username.strip();
    Map<String, String> errors = accounts.validateSignUp(name, password);
    if (!errors.isEmpty()) {
      return Response.status(Response.Status.BAD_REQUEST)
          .entity(Templates.signup(name, errors))
          .build();
    }
    Optional<Duration> wait = signUpLimit.reserve(ClientAddress.of(request));
    if (wait.isPresent()) {
      return Response.status(Response.Status.TOO_MANY_REQUESTS)
          .header("Retry-After", Math.max(1, wait.get().toSeconds()))
          .entity(Templates.signup(name, Map.of("form", SignUpLimit.message(wait.get()))))
          .build();
    }
    AppUser user = accounts.signUp(name, password, Role.USER);
    String token = sessions.open(user.id);
    return Response.seeOther(URI.create("/")).cookie(sessionCookie(token, false)).build();
  }

  @POST
  @Path("logout")
  public Response logout(@CookieParam(SessionAuthenticationMechanism.COOKIE) String token) {
    if (token != null) {
      sessions.close(token);
    }
    return Response.seeOther(URI.create("/login")).cookie(sessionCookie("", true)).build();
  }

  @GET
  @Path("account")
  @Authenticated
  public TemplateInstance account(@QueryParam("changed") String changed) {
    CurrentUser user = CurrentUser.of(identity);
    return Templates.account(
        user, apiTokens.of(user.id()), null, null, Map.of(), "password".equals(changed));
  }

  /**
   * Changes the password after checking the current one (a wrong one counts as a failed sign-in, so
   * a borrowed session cannot guess it freely), then signs out every other session: whoever knew
   * the old password is out. API tokens stay, as with "sign out on every device".
   */
  @POST
  @Path("account/password")
  @Authenticated
  public Response changePassword(
      @FormParam("currentPassword") String current,
      @FormParam("newPassword") String proposed,
      @FormParam("repeatPassword") String repeated,
      @CookieParam(SessionAuthenticationMechanism.COOKIE) String session,
      @Context HttpServerRequest request) {
    CurrentUser user = CurrentUser.of(identity);
    String address = ClientAddress.of(request);
    Optional<Duration> wait = throttle.waitBefore(user.username(), address);
    if (wait.isPresent()) {
      return Response.status(Response.Status.TOO_MANY_REQUESTS)
          .header("Retry-After", Math.max(1, wait.get().toSeconds()))
          .entity(
              accountWithPasswordErrors(
                  user, Map.of("currentPassword", Backoff.message(wait.get()))))
          .build();
    }
    Map<String, String> errors = accounts.changePassword(user.id(), current, proposed, repeated);
    if (errors.containsKey("currentPassword")) {
      throttle.failed(user.username(), address);
    } else {
      throttle.succeeded(user.username());
    }
    if (!errors.isEmpty()) {
      return Response.status(Response.Status.BAD_REQUEST)
          .entity(accountWithPasswordErrors(user, errors))
          .build();
    }
    sessions.closeOthers(user.id(), session);
    return Response.seeOther(URI.create("/account?changed=password")).build();
  }

  private TemplateInstance accountWithPasswordErrors(CurrentUser user, Map<String, String> errors) {
    return Templates.account(user, apiTokens.of(user.id()), null, null, errors, false);
  }

  /** Creates an API token and shows it on this response only; it is never shown again. */
  @POST
  @Path("account/tokens")
  @Authenticated
  public Response createToken(@FormParam("name") String name) {
    CurrentUser user = CurrentUser.of(identity);
    String label = name == null ? "" : name.strip();
    if (label.isEmpty() || label.length() > 80) {
      return Response.status(Response.Status.BAD_REQUEST)
          .entity(
              Templates.account(
                  user,
                  apiTokens.of(user.id()),
                  null,
                  "Give the token a name of 1 to 80 characters.",
                  Map.of(),
                  false))
          .build();
    }
    String token = apiTokens.create(user.id(), label);
    return Response.ok(
            Templates.account(user, apiTokens.of(user.id()), token, null, Map.of(), false))
        .header("Cache-Control", "no-store")
        .build();
  }

  @POST
  @Path("account/tokens/{id}/revoke")
  @Authenticated
  public Response revokeToken(@PathParam("id") long id) {
    if (!apiTokens.revoke(CurrentUser.of(identity).id(), id)) {
      return Response.status(Response.Status.NOT_FOUND).build();
    }
    return Response.seeOther(URI.create("/account")).build();
  }

  @POST
  @Path("account/sign-out-everywhere")
  @Authenticated
  public Response signOutEverywhere(@FormParam("revokeTokens") boolean revokeTokens) {
    long userId = CurrentUser.of(identity).id();
    sessions.closeAll(userId);
    // API tokens are separate credentials for scripts; they go only when asked, so that signing out
    // a lost laptop does not also stop a render farm's scripts
    if (revokeTokens) {
      apiTokens.revokeAll(userId);
    }
    return Response.seeOther(URI.create("/login")).cookie(sessionCookie("", true)).build();
  }

  private static NewCookie sessionCookie(String value, boolean expire) {
    return new NewCookie.Builder(SessionAuthenticationMechanism.COOKIE)
        .value(value)
        .path("/")
        .httpOnly(true)
        .sameSite(NewCookie.SameSite.LAX)
        .maxAge(expire ? 0 : -1)
        .build();
  }
}
