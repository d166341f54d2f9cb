package dev.unclipstudio.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.unclipstudio.config.StudioConfig;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

class WebRoleFilterTest {

  @Test
  void instancesWithoutTheWebRoleAnswer404() {
    assertEquals(404, new WebRoleFilter(config(false)).refuseWhenNotWeb(null).getStatus());
  }

  @Test
  void webInstancesLetRequestsThrough() {
    assertNull(new WebRoleFilter(config(true)).refuseWhenNotWeb(null));
  }

  private static StudioConfig config(boolean web) {
    StudioConfig.Roles roles =
        (StudioConfig.Roles)
            Proxy.newProxyInstance(
                StudioConfig.class.getClassLoader(),
                new Class<?>[] {StudioConfig.Roles.class},
                (proxy, method, args) -> method.getName().equals("web") && web);
    return (StudioConfig)
        Proxy.newProxyInstance(
            StudioConfig.class.getClassLoader(),
            new Class<?>[] {StudioConfig.class},
            (proxy, method, args) -> method.getName().equals("roles") ? roles : null);
  }
}
