package org.mge4j.kernel.eval;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps the last part of the heap for the kernel. A cell that fills the heap would otherwise leave every thread
 * without memory, and the first to fail may be one of the kernel's (ZeroMQ's I/O thread, the shell loop): the
 * kernel would stop answering. After each garbage collection this looks at what is still in use; when less than
 * the reserve is left ({@link #reserve}: a tenth of the heap, 64 to 256 MiB), woven cell code throws
 * {@link OutOfMemoryError} at its next check ({@link CellStop}), and the kernel then frees the cell's variables.
 */
final class HeapGuard {
    private static final long MIB = 1024 * 1024;

    private HeapGuard() {
    }

    /** The heap kept free for the kernel's own threads. */
    static long reserve(long maxHeap) {
        return Math.max(64 * MIB, Math.min(256 * MIB, maxHeap / 10));
    }

    /** Listens to every collector's notifications; returns a warning when this JVM has none to listen to. */
    static String install() {
        long max = Runtime.getRuntime().maxMemory();
        long limit = max - reserve(max);
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
        int listening = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((n, handback) -> afterCollection(n, heapPools, limit, max),
                        n -> n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION), null);
                listening++;
            }
        }
        return listening > 0 ? null
                : "a cell that fills the heap may leave the kernel without memory: this JVM reports no collections";
    }

    private static void afterCollection(Notification n, Set<String> heapPools, long limit, long max) {
        Map<String, MemoryUsage> after = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData())
                .getGcInfo().getMemoryUsageAfterGc();
        long used = after.entrySet().stream().filter(e -> heapPools.contains(e.getKey()))
                .mapToLong(e -> e.getValue().getUsed()).sum();
        CellStop.heapNearlyFull(used > limit, "the heap was " + used / MIB + " of " + max / MIB
                + " MiB full after a collection");
    }
}
