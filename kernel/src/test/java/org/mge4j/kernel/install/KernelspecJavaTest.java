package org.mge4j.kernel.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** install --java: the chosen Java's version decides the kernelspec's JVM options; older than 17 is refused. */
class KernelspecJavaTest {
    @TempDir
    Path tmp;

    /** A JDK folder as far as the installer looks: bin/java (never run here) and a release file. */
    private Path fakeJdk(String name, String javaVersion) throws IOException {
        Path home = tmp.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Path java = home.resolve("bin").resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'this fake java must not be run' >&2\nexit 9\n");
        java.toFile().setExecutable(true);
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Someone\"\nJAVA_VERSION=\"" + javaVersion + "\"\n"
                + "JAVA_VERSION_DATE=\"2026-01-01\"\n");
        return java;
    }

    /** What 'install --java <a JDK of that version> [args]' writes before -jar. */
    private List<String> optionsFor(String javaVersion, String... args) throws IOException {
        JavaRuntime runtime = JavaRuntime.of(fakeJdk("jdk-" + javaVersion, javaVersion).toString());
        assertNull(runtime.refusal(), runtime.refusal());
        KernelspecInstaller.Options parsed = KernelspecInstaller.parse(args);
        return KernelJvmOptions.forFeature(runtime.feature(), parsed.vector(), parsed.jvmOpts());
    }

    @Test
    void aCollectorOrHeapSizeTheUserChoosesReplacesTheKernelsOwn() throws IOException {
        assertEquals(List.of("--enable-native-access=ALL-UNNAMED", "-XX:InitialHeapSize=32m"),
                optionsFor("17", "--jvm-opt", "-XX:+UseG1GC"));
        assertEquals(List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"),
                optionsFor("21", "--jvm-opt", "-Xmx16m"));
        assertEquals(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"),
                optionsFor("25", "--jvm-opt", "-XX:+UseZGC", "--jvm-opt", "-XX:MaxRAMPercentage=50"));
    }

    @Test
    void java17And21GetNativeAccessAndNoSecurityManagerOption() throws IOException {
        List<String> options = List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-XX:InitialHeapSize=32m", "-XX:MaxNewSize=64m");
        assertEquals(options, optionsFor("17.0.21.1"));
        assertEquals(options, optionsFor("21.0.9"));
        assertEquals(options, optionsFor("22"));
    }

    @Test
    void java23AndLaterAlsoAllowUnsafeMemoryAccessSoJavaCppsIndexersDoNotWarn() throws IOException {
        List<String> options = List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-XX:+UseSerialGC", "-XX:InitialHeapSize=32m", "-XX:MaxNewSize=64m");
        assertEquals(options, optionsFor("23.0.2"));
        assertEquals(options, optionsFor("25.0.3"));
        assertEquals(options, optionsFor("26-ea"));
        assertEquals(options, optionsFor("26"));
    }

    @Test
    void vectorAddsTheIncubatorModuleOnlyWhenAskedFor() throws IOException {
        assertEquals(List.of("--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC", "-XX:InitialHeapSize=32m", "-XX:MaxNewSize=64m"),
                optionsFor("17.0.21.1", "--vector"));
        assertEquals(List.of("--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-XX:+UseSerialGC", "-XX:InitialHeapSize=32m",
                "-XX:MaxNewSize=64m"), optionsFor("25.0.3", "--vector"));
        assertEquals(optionsFor("25.0.3"), optionsFor("25.0.3", "--no-vector"));
        for (String version : new String[] {"17", "21", "25", "26"}) {
            assertTrue(optionsFor(version).stream().noneMatch(o -> o.contains("security.manager")
                    || o.contains("IgnoreUnrecognized")), "Java " + version);
        }
    }

    @Test
    void aJdk11IsRefusedWithWhatWasFoundAndWhatToDo() throws IOException {
        Path java = fakeJdk("jdk-11", "11.0.22");
        JavaRuntime runtime = JavaRuntime.of(java.toString());
        assertEquals(11, runtime.feature());
        String refusal = runtime.refusal();
        assertTrue(refusal.contains(java.toString()) && refusal.contains("Java 11.0.22")
                && refusal.contains("needs Java 17 or later") && refusal.contains("point --java at"), refusal);
        assertEquals(1, refusal.lines().count(), refusal);
        assertThrows(IllegalArgumentException.class, () -> KernelJvmOptions.forFeature(11, false));
    }

    @Test
    void aJdkFolderMeansItsBinJava() throws IOException {
        Path java = fakeJdk("jdk-25-folder", "25.0.3");
        JavaRuntime runtime = JavaRuntime.of(java.getParent().getParent().toString());
        assertEquals(java.toAbsolutePath().toString(), runtime.java());
        assertEquals(25, runtime.feature());
    }

    @Test
    void aSymbolicLinkToJavaFindsTheReleaseFileOfTheJdkItPointsInto() throws IOException {
        Path java = fakeJdk("jdk-21-linked", "21.0.9");
        Path link = Files.createSymbolicLink(tmp.resolve("java"), java);
        JavaRuntime runtime = JavaRuntime.of(link.toString());
        assertEquals("21.0.9", runtime.version());
        assertEquals(link.toAbsolutePath().toString(), runtime.java(), "the kernelspec keeps the path as given");
    }

    @Test
    void withoutAReleaseFileTheVersionComesFromJavaDashVersion() throws IOException {
        Path java = tmp.resolve("old").resolve("java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"1.8.0_392\"' >&2\n"
                + "echo 'OpenJDK Runtime Environment (build 1.8.0_392-b08)' >&2\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        JavaRuntime runtime = JavaRuntime.of(java.toString());
        assertEquals("1.8.0_392", runtime.version());
        assertEquals(8, runtime.feature());
        assertTrue(runtime.refusal().contains("Java 1.8.0_392"), runtime.refusal());
    }

    @Test
    void aJavaThatDoesNotSayItsVersionIsReportedNotGuessed() throws IOException {
        Path java = tmp.resolve("broken").resolve("java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, "#!/bin/sh\necho 'no such thing' >&2\nexit 1\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        IOException e = assertThrows(IOException.class, () -> JavaRuntime.of(java.toString()));
        assertTrue(e.getMessage().contains("did not say which Java it is") && e.getMessage().contains("no such thing"),
                e.getMessage());
        IOException missing = assertThrows(IOException.class, () -> JavaRuntime.of(tmp.resolve("nope/bin/java").toString()));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
    }

    @Test
    void featureReleasesAreReadFromEveryVersionSpelling() {
        assertEquals(8, JavaRuntime.featureOf("1.8.0_292"));
        assertEquals(11, JavaRuntime.featureOf("11"));
        assertEquals(17, JavaRuntime.featureOf("17.0.21.1"));
        assertEquals(25, JavaRuntime.featureOf("25.0.3"));
        assertEquals(26, JavaRuntime.featureOf("26-ea"));
        assertThrows(IllegalArgumentException.class, () -> JavaRuntime.featureOf("unknown"));
    }

    @Test
    void theRunningJavaStartsWithTheOptionsChosenForItAndAnUnknownOptionIsCaught() throws IOException {
        JavaRuntime running = JavaRuntime.running();
        assertEquals(Runtime.version().feature(), running.feature());
        assertNull(running.refusedOptions(KernelJvmOptions.forFeature(running.feature(), true)));
        String refused = running.refusedOptions(List.of("--no-such-jvm-option"));
        assertTrue(refused != null && refused.contains("--no-such-jvm-option"), refused);
    }
}
