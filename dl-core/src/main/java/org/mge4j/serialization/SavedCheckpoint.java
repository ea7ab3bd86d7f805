package org.mge4j.serialization;

import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One checkpoint a {@link CheckpointManager} has on disk: its epoch, its file and the metrics it was saved with.
 *
 * @param epoch   the epoch it was saved at
 * @param path    its file, {@code ckpt-epoch-NNNN.pkl} in the manager's folder
 * @param metrics the metrics given to {@link CheckpointManager#save(int, Map, Map)}; empty when none were given
 *                or when the folder's index was lost (the file itself is intact and restorable)
 */
public record SavedCheckpoint(int epoch, Path path, Map<String, Double> metrics) {
    /** The checkpoint, with an unmodifiable copy of {@code metrics}. */
    public SavedCheckpoint {
        metrics = Map.copyOf(metrics);
    }

    /** The value of {@code metric}, or empty when it was not recorded. */
    public OptionalDouble metric(String metric) {
        Double v = metrics.get(metric);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }
}
