package io.stentor.guard;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * How the guard names a client: its address, and its network (a /24 for IPv4, a /64 for IPv6),
 * because one attacker usually holds many addresses of one network. Stateless.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String ip(InetAddress a) {
        return a.getHostAddress();
    }

    public static String subnet(InetAddress a) {
        byte[] b = a.getAddress();
        int keep = a instanceof Inet4Address ? 3 : 8;
        StringBuilder s = new StringBuilder(a instanceof Inet4Address ? "v4:" : "v6:");
        for (int i = 0; i < keep; i++) {
            s.append(b[i] & 0xff).append('.');
        }
        return s.toString();
    }
}
