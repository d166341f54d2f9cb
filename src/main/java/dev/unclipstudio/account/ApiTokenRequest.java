package dev.unclipstudio.account;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A bearer token from an API request, to be resolved by {@link ApiTokenIdentityProvider}. */
public class ApiTokenRequest extends BaseAuthenticationRequest {

  private final String token;

  public ApiTokenRequest(String token) {
    this.token = token;
  }

  public String token() {
    return token;
  }
}
