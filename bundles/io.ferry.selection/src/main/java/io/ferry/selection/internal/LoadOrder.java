package io.ferry.selection.internal;

import java.util.Arrays;

/**
 * Servers kept sorted by a load key that only grows, one server at a time (a plan adds tasks
 * one by one). Walking the servers least loaded first lets the planner stop as soon as no
 * later server can beat the best ones found, instead of comparing every server for every
 * disk. Moving a server after its key grew costs the distance it moves.
 */
final class LoadOrder {

    /** Total order of two server indices; must only change by {@link #grew} of one of them. */
    interface Key {
        int compare(int a, int b);
    }

    private final int[] order;
    private final int[] where;
    private final Key key;

    /**
     * @param members     server indices to order
     * @param serverCount size of the server table (members are below it)
     */
    LoadOrder(int[] members, int serverCount, Key key) {
        this.key = key;
        this.order = Arrays.stream(members).boxed().sorted(key::compare).mapToInt(Integer::intValue).toArray();
        this.where = new int[serverCount];
        Arrays.fill(where, -1);
        for (int i = 0; i < order.length; i++) {
            where[order[i]] = i;
        }
    }

    int size() {
        return order.length;
    }

    /** The server at {@code position}, least loaded first. */
    int get(int position) {
        return order[position];
    }

    /** Call after server {@code s}'s key grew; a server not in this order is ignored. */
    void grew(int s) {
        int i = where[s];
        if (i < 0) {
            return;
        }
        while (i + 1 < order.length && key.compare(s, order[i + 1]) > 0) {
            order[i] = order[i + 1];
            where[order[i]] = i;
            i++;
        }
        order[i] = s;
        where[s] = i;
    }
}
