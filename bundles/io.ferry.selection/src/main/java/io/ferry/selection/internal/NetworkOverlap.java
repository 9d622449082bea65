package io.ferry.selection.internal;

import io.ferry.api.inventory.Cidr;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * "Same network" for the guest interaction tiers (seed 001): a server is in the VM's network
 * when one of its networks overlaps one of the VM's. {@link Cidr#overlaps} parses both
 * networks on every call, so each distinct pair of networks is compared once and each
 * distinct set of VM networks is turned into a set of servers once per plan. Not
 * thread-safe: the planner fills it before it fans out.
 */
final class NetworkOverlap {
    private final ServerTable servers;
    private final Map<Cidr, Integer> ids = new HashMap<>();
    private final Map<Long, Boolean> overlaps = new HashMap<>();
    private final Map<List<Cidr>, BitSet> sameNetwork = new HashMap<>();
    private final int[][] serverNetworks;
    private final java.util.function.Function<List<Cidr>, BitSet> compute = this::compute;

    NetworkOverlap(ServerTable servers) {
        this.servers = servers;
        serverNetworks = new int[servers.size()][];
        for (int s = 0; s < servers.size(); s++) {
            serverNetworks[s] = intern(servers.server(s).spec().networks());
        }
    }

    /** The servers sharing a network with {@code vmNetworks}; shared between equal sets, do not modify. */
    BitSet serversSharing(List<Cidr> vmNetworks) {
        return sameNetwork.computeIfAbsent(vmNetworks, compute);
    }

    private BitSet compute(List<Cidr> vmNetworks) {
        int[] vm = intern(vmNetworks);
        BitSet out = new BitSet(servers.size());
        for (int s = 0; s < serverNetworks.length; s++) {
            if (anyOverlap(vm, serverNetworks[s], vmNetworks, servers.server(s).spec().networks())) {
                out.set(s);
            }
        }
        return out;
    }

    private boolean anyOverlap(int[] a, int[] b, List<Cidr> ac, List<Cidr> bc) {
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                if (overlap(a[i], b[j], ac.get(i), bc.get(j))) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean overlap(int a, int b, Cidr ca, Cidr cb) {
        if (a == b) {
            return true;
        }
        long key = a < b ? ((long) a << 32) | b : ((long) b << 32) | a;
        return overlaps.computeIfAbsent(key, k -> ca.overlaps(cb));
    }

    private int[] intern(List<Cidr> networks) {
        int[] out = new int[networks.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.computeIfAbsent(networks.get(i), c -> ids.size());
        }
        return out;
    }
}
