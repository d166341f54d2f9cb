package dev.unclipstudio.account;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The client address that sign-in and sign-up throttling count by: the remote address of the
 * connection (the forwarded one when {@code quarkus.http.proxy.proxy-address-forwarding} is on). An
 * IPv6 client is counted by its /64 network, since one host usually has a whole /64 to pick
 * addresses from.
 */
final class ClientAddress {

  private ClientAddress() {}

  static String of(HttpServerRequest request) {
    SocketAddress remote = request.remoteAddress();
    return remote == null || remote.hostAddress() == null ? "unknown" : key(remote.hostAddress());
  }

  static String key(String hostAddress) {
    try {
      // a literal address: no name lookup happens
      InetAddress address = InetAddress.getByName(hostAddress);
      if (address instanceof Inet6Address) {
        byte[] network = Arrays.copyOf(address.getAddress(), 16);
        Arrays.fill(network, 8, 16, (byte) 0);
        return InetAddress.getByAddress(network).getHostAddress() + "/64";
      }
      return address.getHostAddress();
    } catch (UnknownHostException e) {
      return hostAddress;
    }
  }
}
