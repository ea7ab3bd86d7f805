package org.mge4j.serialization;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.mge4j.Mge;

/**
 * Checkpoints of a training run in one folder, as {@code ckpt-epoch-0003.pkl} files: saves every N epochs, keeps
 * the last N and/or the best K by a metric, and restores the newest one that is intact.
 *
 * <pre>{@code
 * var ckpt = CheckpointManager.builder("runs/convnet").keepLast(2).keepBest(1, "val_loss", CheckpointManager.Mode.MIN).build();
 * Optional<Map<String, Object>> state = ckpt.restoreLatest();                  // resume, if there is anything to resume
 * ...
 * ckpt.save(epoch, Map.of("epoch", epoch, "model_state_dict", model.stateDict(),
 *                         "optimizer_state_dict", optimizer.stateDict()), Map.of("val_loss", valLoss));
 * }</pre>
 *
 * <p>Safety, in order of a save: the checkpoint is written with {@link Mge#save} (a temporary file, fsync, atomic
 * rename, fsync of the folder) with the CRC32C trailer of {@link SaveOptions.Builder#checksums(boolean)}; then the
 * index {@code checkpoints.json} (the metrics) is rewritten the same way; only then are checkpoints that fall
 * out of the retention deleted. The files are the truth about which checkpoints exist: a lost or damaged index
 * only loses metrics (reported as a warning), and while {@link Builder#keepBest} is on, a checkpoint whose metric
 * is unknown is never deleted. A writer killed mid-save leaves the previous file intact plus a temporary
 * {@code ckpt-epoch-NNNN.pkl.tmp-PID-HEX} file: such files are never listed, and those of processes that are no
 * longer running are deleted when a manager opens the folder.
 *
 * <p>{@link #restoreLatest()} verifies each file's checksums: a corrupted or truncated newest checkpoint is
 * skipped with a warning that names it and the damage, and the next older one is restored; only when every
 * checkpoint is damaged does it throw. {@link #restore(int)} never falls back: it restores that epoch or throws.
 */
public final class CheckpointManager {
    /** Whether a smaller or a larger metric is better. */
    public enum Mode {
        /** Smaller is better (a loss). */
        MIN,
        /** Larger is better (an accuracy). */
        MAX
    }

    private static final System.Logger LOG = System.getLogger(CheckpointManager.class.getName());
    private static final Pattern NAME = Pattern.compile("ckpt-epoch-(\\d{4,9})\\.pkl");

    private final Path folder;
    private final int every;
    private final int keepLast;
    private final int keepBest;
    private final String metric;
    private final Mode mode;
    private final SaveOptions saveOptions;
    /** Metrics by epoch, from the index and from this manager's saves. */
    private final Map<Integer, Map<String, Double>> metrics = new TreeMap<>();

    private CheckpointManager(Builder b) {
        this.folder = b.folder.toAbsolutePath();
        this.every = b.every;
        this.keepLast = b.keepLast;
        this.keepBest = b.keepBest;
        this.metric = b.metric;
        this.mode = b.mode;
        this.saveOptions = b.saveOptions.toBuilder().format(Format.PICKLE).build();
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new SerializationException("cannot create the checkpoint folder " + folder + ": " + e, e);
        }
        deleteTempFilesOfDeadWriters();
        CheckpointIndex.Read index = CheckpointIndex.read(folder);
        if (index.problem() != null) {
            LOG.log(System.Logger.Level.WARNING, index.problem() + "; the checkpoints in " + folder
                    + " are all kept and restorable, but their metrics are unknown" + (metric == null ? "" : ", so none of them will be deleted by keepBest"));
        }
        metrics.putAll(index.metrics());
    }

    /** A builder for a manager of the checkpoints in {@code folder} (created if missing). */
    public static Builder builder(Path folder) {
        return new Builder(folder);
    }

    /** A builder for a manager of the checkpoints in {@code folder} (created if missing). */
    public static Builder builder(String folder) {
        return new Builder(Path.of(folder));
    }

    /** The folder of the checkpoints. */
    public Path folder() {
        return folder;
    }

    /** The file of the checkpoint of {@code epoch}: {@code ckpt-epoch-0003.pkl}. */
    public Path pathOf(int epoch) {
        return folder.resolve(String.format("ckpt-epoch-%04d.pkl", epoch));
    }

    /** {@link #save(int, Map, Map)} without metrics (only when {@link Builder#keepBest} is not used). */
    public Optional<SavedCheckpoint> save(int epoch, Map<String, ?> checkpoint) {
        return save(epoch, checkpoint, Map.of());
    }

    /**
     * Saves {@code checkpoint} as the checkpoint of {@code epoch} when {@code epoch} is a multiple of
     * {@link Builder#saveEvery} (an existing one of that epoch is replaced atomically), then deletes the checkpoints
     * the retention no longer keeps.
     *
     * @return the saved checkpoint, or empty when this epoch is not one to save
     * @throws IllegalArgumentException when {@code epoch} is negative or the keepBest metric is missing
     * @throws SerializationException   when the write fails (the previous checkpoints are then untouched)
     */
    public synchronized Optional<SavedCheckpoint> save(int epoch, Map<String, ?> checkpoint, Map<String, ? extends Number> metrics) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be non-negative, got " + epoch);
        }
        Objects.requireNonNull(checkpoint, "checkpoint");
        if (metric != null && !metrics.containsKey(metric)) {
            throw new IllegalArgumentException("keepBest watches the metric '" + metric + "' but save(" + epoch + ", ...) got "
                    + (metrics.isEmpty() ? "no metrics" : "only " + metrics.keySet()) + "; pass it, e.g. Map.of(\"" + metric + "\", value)");
        }
        if (epoch % every != 0) {
            return Optional.empty();
        }
        Map<String, Double> values = new LinkedHashMap<>();
        metrics.forEach((k, v) -> values.put(k, v.doubleValue()));
        Mge.save(checkpoint, pathOf(epoch), saveOptions); // durable before anything is deleted
        this.metrics.put(epoch, values);
        List<SavedCheckpoint> all = scan();
        CheckpointIndex.write(folder, all);
        Set<Integer> keep = retained(all);
        boolean deleted = false;
        for (SavedCheckpoint c : all) {
            if (!keep.contains(c.epoch())) {
                try {
                    deleted |= Files.deleteIfExists(c.path());
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "could not delete old checkpoint " + c.path() + ": " + e);
                }
            }
        }
        if (deleted) {
            CheckpointIndex.write(folder, scan());
        }
        return Optional.of(new SavedCheckpoint(epoch, pathOf(epoch), values));
    }

    /** The checkpoints on disk, oldest first. */
    public synchronized List<SavedCheckpoint> list() {
        return scan();
    }

    /** The checkpoint of the highest epoch, or empty when there is none. */
    public synchronized Optional<SavedCheckpoint> latest() {
        List<SavedCheckpoint> all = scan();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /**
     * The checkpoint with the best value of the {@link Builder#keepBest} metric (the later epoch on a tie), or empty
     * when none has a known value.
     *
     * @throws IllegalStateException when the manager was built without keepBest
     */
    public synchronized Optional<SavedCheckpoint> best() {
        if (metric == null) {
            throw new IllegalStateException("best() needs a metric: build the manager with keepBest(k, \"val_loss\", Mode.MIN)");
        }
        return ranked(scan()).stream().findFirst();
    }

    /** {@link #restoreLatest(LoadOptions)} with the default load options. */
    public Optional<Map<String, Object>> restoreLatest() {
        return restoreLatest(LoadOptions.defaults());
    }

    /**
     * Loads the newest intact checkpoint: a damaged newer one is skipped with a warning naming it and the damage.
     *
     * @param options load options (for example {@code mapLocation("cpu0")}); checksums are required on top
     * @return the checkpoint map, or empty when the folder has no checkpoint
     * @throws SerializationException when every checkpoint is damaged (listing each one and why)
     */
    public Optional<Map<String, Object>> restoreLatest(LoadOptions options) {
        List<SavedCheckpoint> all = list();
        List<String> failures = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            SavedCheckpoint c = all.get(i);
            try {
                Map<String, Object> state = load(c, options);
                if (!failures.isEmpty()) {
                    LOG.log(System.Logger.Level.WARNING, "restored " + c.path().getFileName() + " (epoch " + c.epoch() + ") instead of newer, damaged "
                            + "checkpoints: " + String.join("; ", failures));
                }
                return Optional.of(state);
            } catch (SerializationException e) {
                failures.add(c.path().getFileName() + ": " + e.getMessage());
                LOG.log(System.Logger.Level.WARNING, "skipping damaged checkpoint " + c.path() + ": " + e.getMessage());
            }
        }
        if (failures.isEmpty()) {
            return Optional.empty();
        }
        throw new SerializationException("every checkpoint in " + folder + " is damaged; nothing can be restored: " + String.join("; ", failures));
    }

    /** {@link #restore(int, LoadOptions)} with the default load options. */
    public Map<String, Object> restore(int epoch) {
        return restore(epoch, LoadOptions.defaults());
    }

    /**
     * Loads the checkpoint of {@code epoch}, verifying its checksums.
     *
     * @throws SerializationException when there is no checkpoint of that epoch, or it is damaged
     */
    public Map<String, Object> restore(int epoch, LoadOptions options) {
        List<SavedCheckpoint> all = list();
        for (SavedCheckpoint c : all) {
            if (c.epoch() == epoch) {
                return load(c, options);
            }
        }
        throw new SerializationException("no checkpoint of epoch " + epoch + " in " + folder + "; it has epochs "
                + all.stream().map(SavedCheckpoint::epoch).toList());
    }

    private Map<String, Object> load(SavedCheckpoint c, LoadOptions options) {
        LoadOptions checked = options.toBuilder().requireChecksums(options.requireChecksums() || saveOptions.checksums()).build();
        Object o = Mge.load(c.path(), checked);
        if (!(o instanceof Map<?, ?> m) || !m.keySet().stream().allMatch(k -> k instanceof String)) {
            throw new SerializationException(c.path() + " holds " + (o == null ? "None" : "a " + o.getClass().getSimpleName())
                    + ", not a checkpoint map with string keys");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> state = (Map<String, Object>) m;
        return state;
    }

    /** The checkpoint files in the folder, oldest first, with the metrics known for them. */
    private List<SavedCheckpoint> scan() {
        TreeMap<Integer, Path> found = new TreeMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            files.forEach(p -> {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && pathOf(Integer.parseInt(m.group(1))).equals(p) && Files.isRegularFile(p)) {
                    found.put(Integer.parseInt(m.group(1)), p);
                }
            });
        } catch (IOException e) {
            throw new SerializationException("cannot list the checkpoint folder " + folder + ": " + e, e);
        }
        metrics.keySet().retainAll(found.keySet());
        List<SavedCheckpoint> out = new ArrayList<>();
        found.forEach((epoch, path) -> out.add(new SavedCheckpoint(epoch, path, metrics.getOrDefault(epoch, Map.of()))));
        return out;
    }

    /** Checkpoints with a known value of the metric, best first (the later epoch first on a tie); NaN last. */
    private List<SavedCheckpoint> ranked(List<SavedCheckpoint> all) {
        Comparator<SavedCheckpoint> byValue = Comparator.comparingDouble(c -> c.metrics().get(metric));
        if (mode == Mode.MAX) {
            byValue = byValue.reversed();
        }
        return all.stream().filter(c -> c.metrics().containsKey(metric) && !c.metrics().get(metric).isNaN())
                .sorted(byValue.thenComparing(Comparator.comparingInt(SavedCheckpoint::epoch).reversed())).toList();
    }

    /** The epochs the retention keeps: the last N, the best K, and (with keepBest) any whose metric is unknown. */
    private Set<Integer> retained(List<SavedCheckpoint> all) {
        Set<Integer> keep = new TreeSet<>();
        if (keepLast == 0 && keepBest == 0) {
            all.forEach(c -> keep.add(c.epoch()));
            return keep;
        }
        for (int i = Math.max(0, all.size() - keepLast); i < all.size(); i++) {
            keep.add(all.get(i).epoch());
        }
        if (keepBest > 0) {
            ranked(all).stream().limit(keepBest).forEach(c -> keep.add(c.epoch()));
            all.stream().filter(c -> !c.metrics().containsKey(metric)).forEach(c -> keep.add(c.epoch()));
        }
        return keep;
    }

    private void deleteTempFilesOfDeadWriters() {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                int tmp = name.lastIndexOf(".tmp-");
                if (tmp < 0) {
                    continue;
                }
                String target = name.substring(0, tmp);
                boolean ours = NAME.matcher(target).matches() || target.equals(CheckpointIndex.FILE);
                long pid = AtomicFiles.writerPid(name);
                if (ours && AtomicFiles.isTempFileOf(name, target) && ProcessHandle.of(pid).isEmpty()) {
                    Files.deleteIfExists(p);
                    LOG.log(System.Logger.Level.INFO, "deleted " + p + ", left by a writer (process " + pid + ") that did not finish");
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not clean temporary files in " + folder + ": " + e);
        }
    }

    /** Builds a {@link CheckpointManager}. */
    public static final class Builder {
        private final Path folder;
        private int every = 1;
        private int keepLast;
        private int keepBest;
        private String metric;
        private Mode mode;
        private SaveOptions saveOptions = SaveOptions.defaults();

        private Builder(Path folder) {
            this.folder = Objects.requireNonNull(folder, "folder");
        }

        /** Saves only epochs that are multiples of {@code epochs} (default 1: every epoch). */
        public Builder saveEvery(int epochs) {
            if (epochs <= 0) {
                throw new IllegalArgumentException("saveEvery needs a positive number of epochs, got " + epochs);
            }
            this.every = epochs;
            return this;
        }

        /** Keeps the {@code n} newest checkpoints (together with the keepBest ones); by default all are kept. */
        public Builder keepLast(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("keepLast needs a positive count, got " + n + "; to keep everything, do not call it");
            }
            this.keepLast = n;
            return this;
        }

        /**
         * Keeps the {@code k} checkpoints with the best value of {@code metric} (together with the keepLast ones);
         * {@link CheckpointManager#save(int, Map, Map)} must then get that metric. Without keepLast, the newest
         * checkpoint is deleted when it is not among the best: add {@code keepLast(1)} to always be able to resume.
         */
        public Builder keepBest(int k, String metric, Mode mode) {
            if (k <= 0) {
                throw new IllegalArgumentException("keepBest needs a positive count, got " + k);
            }
            this.keepBest = k;
            this.metric = Objects.requireNonNull(metric, "metric");
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * How checkpoints are written (pickle protocol; checksums are on by default and should stay on: without
         * them a damaged file cannot be told from a good one).
         *
         * @throws IllegalArgumentException for options with another format or a custom codec: checkpoints are pickles
         */
        public Builder saveOptions(SaveOptions options) {
            if (options.codec() != null || (options.format() != null && options.format() != Format.PICKLE)) {
                throw new IllegalArgumentException("CheckpointManager writes .pkl pickles; give it SaveOptions without a format or codec");
            }
            this.saveOptions = options;
            return this;
        }

        /** The manager; creates the folder and deletes temporary files that killed writers left in it. */
        public CheckpointManager build() {
            return new CheckpointManager(this);
        }
    }
}
