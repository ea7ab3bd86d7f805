package org.mge4j.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.mge4j.Mge;
import org.mge4j.Tensor;

/** {@link LoadOptions.Builder#inertGlobals}: a file with untrusted globals can be looked at, never run. */
class InertGlobalsTest {
    private static final LoadOptions INSPECT = LoadOptions.builder().inertGlobals(true).build();

    /** {@code os.system('echo pwned')} by REDUCE, protocol 2. */
    private static final byte[] OS_SYSTEM = latin1("\u0080\u0002cos\nsystem\nX\n\u0000\u0000\u0000echo pwned\u0085R.");

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Object load(byte[] pickle, LoadOptions options) {
        return Mge.load(new ByteArrayInputStream(pickle), options);
    }

    @Test
    void anOsSystemReduceLoadsAsAnInertPlaceholderThatNamesIt() {
        UntrustedObject o = assertInstanceOf(UntrustedObject.class, load(OS_SYSTEM, INSPECT));
        assertEquals("os.system", o.name());
        assertEquals(List.of("echo pwned"), o.args());
        assertNull(o.state());
        assertEquals("<object os.system (not loaded: untrusted global)>", o.toString());
    }

    @Test
    void withoutTheFlagTheSamePickleIsStillRefused() {
        RefusedGlobalException e = assertThrows(RefusedGlobalException.class, () -> load(OS_SYSTEM, LoadOptions.defaults()));
        assertEquals("os.system", e.global());
        e = assertThrows(RefusedGlobalException.class, () -> load(OS_SYSTEM, LoadOptions.builder().inertGlobals(false).build()));
        assertEquals("os.system", e.global());
        assertFalse(LoadOptions.defaults().inertGlobals());
    }

    @Test
    void allowlistedDataNextToAnUntrustedGlobalStillLoads() throws Exception {
        Map<?, ?> sd = assertInstanceOf(Map.class, Mge.load(HostilePickleTest.corpus().resolve("state_dict_with_os_system.pkl"), INSPECT));
        assertEquals(Set.of("w", "evil"), sd.keySet());
        Tensor w = assertInstanceOf(Tensor.class, sd.get("w"));
        assertArrayEquals(new long[] {2, 2}, w.shape());
        UntrustedObject evil = assertInstanceOf(UntrustedObject.class, sd.get("evil"));
        assertTrue(evil.name().equals("posix.system") || evil.name().equals("os.system"), evil.name());
        assertThrows(RefusedGlobalException.class, () -> Mge.load(HostilePickleTest.corpus().resolve("state_dict_with_os_system.pkl")));
    }

    @Test
    void aCallOnTheResultOfACallIsOnePlaceholderWithTheInnerCallAsData() {
        // builtins.getattr(builtins.__import__('os'), 'system')('id'): the classic two-step gadget
        byte[] p = latin1("\u0080\u0002cbuiltins\ngetattr\ncbuiltins\n__import__\nX\u0002\u0000\u0000\u0000os\u0085R"
                + "X\u0006\u0000\u0000\u0000system\u0086RX\u0002\u0000\u0000\u0000id\u0085R.");
        UntrustedObject o = assertInstanceOf(UntrustedObject.class, load(p, INSPECT));
        assertEquals("builtins.getattr(...)", o.name());
        assertEquals(List.of("id"), o.args());
        UntrustedObject getattr = o.callee();
        assertEquals("builtins.getattr", getattr.name());
        assertNull(getattr.callee());
        assertEquals("system", getattr.args().get(1));
        UntrustedObject imp = assertInstanceOf(UntrustedObject.class, getattr.args().get(0));
        assertEquals("builtins.__import__", imp.name());
        assertEquals(List.of("os"), imp.args());
        assertEquals("<object builtins.getattr(...) (not loaded: untrusted global)>", o.toString());
        assertThrows(RefusedGlobalException.class, () -> load(p, LoadOptions.defaults()));
    }

    @Test
    void newobjAndBuildOnAnUntrustedClassKeepItsArgumentsAndState() {
        // mymodel.Net.__new__(Net, 5) then BUILD {'a': 1}; and a bare global as a value
        byte[] p = latin1("\u0080\u0002](cmymodel\nNet\nK\u0005\u0085\u0081}X\u0001\u0000\u0000\u0000aK\u0001sbcmymodel\nhelper\ne.");
        List<?> l = assertInstanceOf(List.class, load(p, INSPECT));
        UntrustedObject net = assertInstanceOf(UntrustedObject.class, l.get(0));
        assertEquals("mymodel.Net", net.name());
        assertEquals(List.of(5), net.args());
        assertEquals(Map.of("a", 1), net.state());
        UntrustedObject helper = assertInstanceOf(UntrustedObject.class, l.get(1));
        assertNull(helper.args());
        assertEquals("<global mymodel.helper (not loaded: untrusted global)>", helper.toString());
    }

    @Test
    void aTrustedGlobalStaysAPickledObjectUnderTheFlag() {
        byte[] p = latin1("\u0080\u0002cmymodel\nNet\nK\u0005\u0085R.");
        Object o = load(p, LoadOptions.builder().inertGlobals(true).trust("mymodel.Net").build());
        assertEquals("mymodel.Net", assertInstanceOf(PickledObject.class, o).global());
    }

    @Test
    void depthAndMemoLimitsStillApplyUnderTheFlag() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(latin1("\u0080\u0002cos\nsystem\n"));
        for (int i = 0; i < 20; i++) {
            b.write(']');
        }
        for (int i = 0; i < 19; i++) {
            b.write('a');
        }
        b.writeBytes(latin1("\u0085R."));
        SerializationException e = assertThrows(SerializationException.class,
                () -> load(b.toByteArray(), LoadOptions.builder().inertGlobals(true).maxDepth(10).build()));
        assertTrue(e.getMessage().contains("deeper than 10"), e.getMessage());
        byte[] memo = latin1("\u0080\u0004cos\nsystem\n\u0094\u0094\u0094.");
        e = assertThrows(SerializationException.class, () -> load(memo, LoadOptions.builder().inertGlobals(true).maxMemo(2).build()));
        assertTrue(e.getMessage().contains("maxMemo"), e.getMessage());
    }

    @Test
    void aChainOfCallsKeepsAShortNameAndALongOneMeetsTheDepthLimit() {
        UntrustedObject o = assertInstanceOf(UntrustedObject.class, load(callChain(50), INSPECT));
        assertEquals("os.system(...)", o.name());
        int links = 0;
        for (UntrustedObject c = o; c != null; c = c.callee()) {
            links++;
        }
        assertEquals(50, links);
        SerializationException e = assertThrows(SerializationException.class, () -> load(callChain(100_000), INSPECT));
        assertTrue(e.getMessage().contains("deeper than"), e.getMessage());
    }

    /** {@code os.system()()()...}, n calls. */
    private static byte[] callChain(int n) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(latin1("\u0080\u0002cos\nsystem\n"));
        for (int i = 0; i < n; i++) {
            b.writeBytes(latin1(")R"));
        }
        b.write('.');
        return b.toByteArray();
    }

    @TestFactory
    Stream<DynamicTest> everyHostilePickleIsInspectableOrRefusedCleanly() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(HostilePickleTest.corpus())) {
            files = s.sorted().toList();
        }
        // what make_hostile.py builds from code-running globals: under the flag each is data, not an error
        Set<String> inspectable = Set.of("os_system_p2.pkl", "os_system_p3.pkl", "os_system_p4.pkl", "os_system_p5.pkl",
                "eval_p2.pkl", "eval_p3.pkl", "eval_p4.pkl", "eval_p5.pkl", "exec_p4.pkl", "subprocess_popen_p4.pkl", "getattr_p2.pkl",
                "nested_reduce.pkl", "state_dict_with_os_system.pkl");
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            String name = f.getFileName().toString();
            if (inspectable.contains(name)) {
                Object o = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> Mge.load(f, INSPECT));
                String shown = String.valueOf(o);
                assertTrue(shown.contains("(not loaded: untrusted global)"), name + ": " + shown);
            } else {
                SerializationException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                        () -> assertThrows(SerializationException.class, () -> Mge.load(f, INSPECT)));
                assertFalse(e.getMessage().contains("internal error"), name + ": " + e.getMessage());
            }
        }));
    }

    @Test
    void twentyThousandMutatedPicklesLoadOrAreRefusedCleanlyUnderTheFlag() throws Exception {
        List<byte[]> seeds = new java.util.ArrayList<>(PickleFuzzTest.seeds());
        for (String name : List.of("state_dict_with_os_system.pkl", "getattr_p2.pkl", "nested_reduce.pkl", "subprocess_popen_p4.pkl")) {
            seeds.add(Files.readAllBytes(HostilePickleTest.corpus().resolve(name)));
        }
        java.util.Random rnd = new java.util.Random(20240603);
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] m = PickleFuzzTest.mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
            try {
                org.mge4j.serialization.pickle.Unpickler.load(m, INSPECT);
            } catch (SerializationException e) {
                assertFalse(e.getMessage() == null || e.getMessage().contains("internal error"), "mutation " + i + ": " + e.getMessage());
                refused++;
            }
        }
        assertTrue(refused > 5_000, "most mutations should be refused, got " + refused);
    }
}
