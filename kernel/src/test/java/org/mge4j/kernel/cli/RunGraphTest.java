package org.mge4j.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mge4j.Tensor;
import org.mge4j.functional.F;
import org.mge4j.jit.DumpOptions;
import org.mge4j.jit.Jit;
import org.mge4j.jit.TraceOptions;
import org.mge4j.jit.TracedFunction;
import org.mge4j.serialization.numpy.NpyFormat;
import org.mge4j.serialization.numpy.NpzFormat;

/** {@code mge4j run}: MegEngine's load_and_run for a dumped graph, its outputs, timing, files and errors. */
class RunGraphTest {
    @TempDir
    Path dir;
    private Path model;
    private Path input;
    private Tensor x;

    @BeforeEach
    void dumpAGraphAndAnInput() throws Exception {
        TracedFunction<Tensor> f = Jit.trace((Tensor d) -> F.softmax(F.relu(d.mul(2))),
                TraceOptions.builder().symbolic(true).captureAsConst(true).build());
        x = Tensor.of(new float[] {1, -2, 3, 0.5f, -1, 2}, 2, 3);
        f.call(x);
        model = dir.resolve("net.mge");
        f.dump(model.toString(), DumpOptions.builder().argNames("data").outputNames("prob").build());
        input = dir.resolve("x.npy");
        try (OutputStream o = Files.newOutputStream(input)) {
            NpyFormat.write(x, o);
        }
    }

    @Test
    void runPrintsOutputsAndTimingAndWritesTheOutputs() throws Exception {
        Path out = dir.resolve("out.npz");
        CliRun r = CliRun.of("run", model.toString(), "--input", "data=" + input, "--output", out.toString(), "--iter", "5");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("inputs [data], outputs [prob]"), r.out());
        assertTrue(r.out().contains("output prob: float32 (2, 3) ["), r.out());
        assertTrue(r.out().contains("time: 5 run(s), min "), r.out());
        Map<String, Tensor> written = NpzFormat.read(Files.readAllBytes(out), out.toString());
        assertArrayEquals(F.softmax(F.relu(x.mul(2))).toFloatArray(), written.get("prob").toFloatArray(), 1e-6f);
    }

    @Test
    void megEnginesColonFormIsAcceptedAndASingleOutputCanGoToNpy() throws Exception {
        Path out = dir.resolve("out.npy");
        CliRun r = CliRun.of("run", model.toString(), "--input", "data:" + input, "--output", out.toString());
        assertEquals(0, r.exit(), r.toString());
        byte[] b = Files.readAllBytes(out);
        assertEquals(6, NpyFormat.read(b, 0, b.length, "out").size());
    }

    @Test
    void aWrongInputNameADamagedModelAndABadCommandLineGetTheirExitCodes() throws Exception {
        CliRun wrong = CliRun.of("run", model.toString(), "--input", "x=" + input);
        assertEquals(1, wrong.exit(), wrong.toString());
        assertTrue(wrong.err().contains("This model expects inputs ['data'], but gets inputs ['x']"), wrong.err());
        Path bad = dir.resolve("bad.mge");
        Files.write(bad, new byte[] {'n', 'o', 'p', 'e'});
        CliRun damaged = CliRun.of("run", bad.toString(), "--input", "data=" + input);
        assertEquals(1, damaged.exit(), damaged.toString());
        assertTrue(damaged.err().contains("cannot load"), damaged.err());
        assertEquals(2, CliRun.of("run", "--input", "data=" + input).exit());
        assertEquals(2, CliRun.of("run", model.toString(), "--iter", "0").exit());
        CliRun help = CliRun.of("run", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("load_and_run"), help.out());
    }
}
