package org.mge4j.kernel.cli;

import java.util.Locale;

/** Counts and byte sizes for people: {@code 1,234}, {@code 12.5 KiB}. */
final class Sizes {
    private Sizes() {
    }

    /** {@code 1,234,567}. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code 40 B}, {@code 12.5 KiB}, {@code 3.2 MiB}, {@code 1.1 GiB}. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
