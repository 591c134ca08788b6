package io.stentor.guard;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Networks the abuse limits leave alone (by default loopback, so that load tests and a laptop are
 * not throttled; an operator behind a reverse proxy sets this empty and the proxy does the rest).
 * Immutable.
 */
final class Exemptions {

    private record Cidr(byte[] network, int bits) {
        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((b[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Cidr> networks = new ArrayList<>();

    Exemptions(String list) {
        for (String item : list.split(",")) {
            String s = item.trim();
            if (s.isEmpty()) {
                continue;
            }
            String[] parts = s.split("/");
            try {
                byte[] net = InetAddress.getByName(parts[0]).getAddress();
                int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : net.length * 8;
                networks.add(new Cidr(net, bits));
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("guard.exempt: not a network: " + s);
            }
        }
    }

    boolean contains(InetAddress a) {
        for (Cidr c : networks) {
            if (c.contains(a)) {
                return true;
            }
        }
        return false;
    }
}
