package org.mge4j.serialization;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Crash-safe file writes: the bytes go to a temporary file in the same folder, which is fsynced and then renamed
 * over the target in one atomic step, and the folder is fsynced so that the rename survives a power cut. A
 * reader sees the old file or the new one, never a half-written one.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Something that writes the whole file content. */
    @FunctionalInterface
    public interface Writer {
        /** Writes everything to {@code out}. */
        void write(OutputStream out) throws IOException;
    }

    /** Something that writes the whole file content to a file channel (for writes straight from native memory). */
    @FunctionalInterface
    public interface ChannelWriter {
        /** Writes everything to {@code channel}, from its position 0. */
        void write(FileChannel channel) throws IOException;
    }

    /**
     * Writes {@code path} atomically with what {@code writer} produces.
     *
     * @throws SerializationException when the folder is missing or the write fails; the target is then unchanged
     */
    public static void write(Path path, Writer writer) {
        writeChannel(path, ch -> {
            OutputStream os = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            writer.write(os);
            os.flush();
        });
    }

    /**
     * Writes {@code path} atomically with what {@code writer} writes to the temporary file's channel.
     *
     * @throws SerializationException when the folder is missing or the write fails; the target is then unchanged
     */
    public static void writeChannel(Path path, ChannelWriter writer) {
        Path target = path.toAbsolutePath();
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new SerializationException("cannot save to " + path + ": folder " + dir + " does not exist");
        }
        Path tmp = dir.resolve(target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writer.write(ch);
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new SerializationException("cannot save " + path + " atomically: the file system does not support atomic rename", e);
            }
            fsyncDirectory(dir);
        } catch (IOException e) {
            throw new SerializationException("could not write " + path + ": " + e, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the temp file name is unique; a leftover is harmless and recognisable by its .tmp- suffix
            }
        }
    }

    /**
     * True when {@code name} is the name of a temporary file this class makes for {@code target} (a file name):
     * {@code TARGET.tmp-PID-HEX}. Such a file outlives its writer only when that process was killed mid-write.
     */
    public static boolean isTempFileOf(String name, String target) {
        return name.startsWith(target + ".tmp-") && name.substring(target.length() + 5).matches("\\d+-[0-9a-f]+");
    }

    /** The id of the process that made the temporary file {@code name} (see {@link #isTempFileOf}), or -1. */
    public static long writerPid(String name) {
        int tmp = name.lastIndexOf(".tmp-");
        int dash = tmp < 0 ? -1 : name.indexOf('-', tmp + 5);
        try {
            return dash < 0 ? -1 : Long.parseLong(name.substring(tmp + 5, dash));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Makes {@code dir}'s entries (a rename, a deletion) durable; a no-op where folders cannot be opened (Windows). */
    public static void fsyncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Windows cannot open a folder as a channel; the rename itself is still atomic there.
        }
    }
}
