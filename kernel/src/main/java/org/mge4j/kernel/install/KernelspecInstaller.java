package org.mge4j.kernel.install;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Writes and removes the kernelspec: a folder {@code kernels/<name>} with kernel.json (interrupt_mode message),
 * a copy of this jar, the libraries its manifest Class-Path names ({@code lib/}: dl-core and ND4J) and the logos. The kernelspec runs {@code java [opts] -jar <folder>/kernel.jar {connection_file}}.
 *
 * <p>The options are those of {@link KernelJvmOptions} for the chosen Java's version (the running JVM, or
 * {@code --java PATH}; older than 17 is refused), then the user's {@code --jvm-opt}s; the chosen Java is started once
 * with all of them before anything is written, so a kernelspec never names an option its JVM refuses.
 *
 * <p>{@code --backend cuda} registers the CUDA build as a second kernel, {@code mge4j-cuda} shown as
 * "Java (mge4j, CUDA)", next to the CPU one; it must run from a jar built with {@code -Pcuda}, and the CPU
 * kernelspec must come from a CPU build, so that neither name ever holds the other backend.
 */
public final class KernelspecInstaller {
    private KernelspecInstaller() {
    }

    record Options(Path kernelsDir, String name, String java, List<String> jvmOpts, String backend,
                           boolean vector) {
    }

    /** The kernelspec name a backend gets unless {@code --name} says otherwise. */
    static String defaultName(String backend) {
        return backend.equals("cuda") ? "mge4j-cuda" : "mge4j";
    }

    /** What Jupyter shows for a kernelspec. */
    static String displayName(String name, String backend) {
        if (name.equals(defaultName(backend))) {
            return backend.equals("cuda") ? "Java (mge4j, CUDA)" : "Java (mge4j)";
        }
        return "Java (" + name + (backend.equals("cuda") ? ", CUDA" : "") + ")";
    }

    /** The backend a kernel jar was built for, from the ND4J jars its manifest Class-Path names. */
    static String backendOf(List<String> classPath) {
        return classPath.stream().anyMatch(e -> e.contains("nd4j-cuda-")) ? "cuda" : "cpu";
    }

    /** Null when the jar was built for the backend asked for, else what to do. */
    static String backendMismatch(String asked, String built) {
        if (asked.equals(built)) {
            return null;
        }
        return asked.equals("cuda")
                ? "install --backend cuda needs the kernel jar of the CUDA build, and this one was built for the CPU:"
                        + " build it with 'mvn -Pcuda -DskipTests package -pl kernel -am' and run 'java -jar"
                        + " kernel/target-cuda/kernel-0.1.0-SNAPSHOT-all.jar install --backend cuda' (or install/notebook.sh --cuda)"
                : "this kernel jar was built with -Pcuda (ND4J's CUDA backend): register it with 'install --backend cuda',"
                        + " which names it mge4j-cuda, \"Java (mge4j, CUDA)\"; the CPU kernelspec comes from the default build"
                        + " (kernel/target)";
    }

    /** Installs; returns the process exit code. */
    public static int install(String[] args) throws IOException {
        Options o = parse(args);
        if (o == null) {
            return 2;
        }
        Path jar = runningJar();
        if (jar == null) {
            System.err.println("install must run from the kernel jar: java -jar kernel.jar install");
            return 2;
        }
        String mismatch = backendMismatch(o.backend(), backendOf(classPath(jar)));
        if (mismatch != null) {
            System.err.println(mismatch);
            return 2;
        }
        List<String> jvmOptions;
        String java;
        try {
            JavaRuntime runtime = o.java() == null ? JavaRuntime.running() : JavaRuntime.of(o.java());
            if (runtime.refusal() != null) {
                System.err.println(runtime.refusal());
                return 2;
            }
            jvmOptions = new ArrayList<>(KernelJvmOptions.forFeature(runtime.feature(), o.vector(), o.jvmOpts()));
            jvmOptions.addAll(o.jvmOpts());
            String refused = runtime.refusedOptions(jvmOptions);
            if (refused != null) {
                System.err.println(refused);
                return 2;
            }
            java = runtime.java();
        } catch (IOException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Path dir = o.kernelsDir().resolve(o.name());
        Files.createDirectories(dir);
        Path target = dir.resolve("kernel.jar");
        Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
        String missing = copyLibraries(jar, dir);
        if (missing != null) {
            System.err.println(missing);
            return 1;
        }
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode spec = json.createObjectNode();
        ArrayNode argv = spec.putArray("argv");
        argv.add(java);
        jvmOptions.forEach(argv::add);
        argv.add("-jar").add(target.toAbsolutePath().toString()).add("{connection_file}");
        spec.put("display_name", displayName(o.name(), o.backend()));
        spec.put("language", "java");
        spec.put("interrupt_mode", "message");
        spec.putObject("env");
        spec.putObject("metadata").put("mge4j_backend", o.backend());
        json.writeValue(dir.resolve("kernel.json").toFile(), spec);
        for (String logo : List.of("logo-32x32.png", "logo-64x64.png", "logo-svg.svg")) {
            try (InputStream in = KernelspecInstaller.class.getResourceAsStream("/org/mge4j/kernel/" + logo)) {
                if (in != null) {
                    Files.copy(in, dir.resolve(logo), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        System.out.println("Installed kernelspec " + o.name() + " (" + displayName(o.name(), o.backend()) + ") in "
                + dir.toAbsolutePath() + " for " + java + " " + String.join(" ", jvmOptions));
        return 0;
    }

    /**
     * Copies the jars of the manifest's Class-Path (dl-core, ND4J: what cells use) from beside the running jar to
     * beside the installed one, skipping those already there with the same size and time, and removes jars of an
     * older install that the manifest no longer lists. Returns an error message, or null.
     */
    static String copyLibraries(Path jar, Path dir) throws IOException {
        List<String> entries = classPath(jar);
        Path from = jar.toAbsolutePath().getParent();
        Set<Path> wanted = new HashSet<>();
        for (String entry : entries) {
            Path source = from.resolve(entry);
            Path target = dir.resolve(entry).normalize();
            if (!target.startsWith(dir)) {
                return "the kernel jar's Class-Path entry " + entry + " points outside the kernelspec folder";
            }
            if (!Files.isRegularFile(source)) {
                return "the kernel jar needs " + source + " (its manifest Class-Path lists it); build with"
                        + " 'mvn -pl kernel package' so kernel/target/lib is filled, and install from kernel/target";
            }
            wanted.add(target);
            Files.createDirectories(target.getParent());
            if (Files.isRegularFile(target) && Files.size(target) == Files.size(source)
                    && Files.getLastModifiedTime(target).equals(Files.getLastModifiedTime(source))) {
                continue;
            }
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
        Path lib = dir.resolve("lib");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> old = Files.list(lib)) {
                for (Path p : old.filter(p -> p.toString().endsWith(".jar") && !wanted.contains(p)).toList()) {
                    Files.delete(p);
                }
            }
        }
        return null;
    }

    private static List<String> classPath(Path jar) throws IOException {
        try (JarFile jf = new JarFile(jar.toFile())) {
            Manifest m = jf.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            return cp == null || cp.isBlank() ? List.of() : List.of(cp.strip().split("\\s+"));
        }
    }

    /** Removes the kernelspec folder; returns the process exit code. */
    public static int uninstall(String[] args) throws IOException {
        Options o = parse(args);
        if (o == null) {
            return 2;
        }
        Path dir = o.kernelsDir().resolve(o.name());
        if (!Files.isDirectory(dir)) {
            System.err.println("no kernelspec " + o.name() + " in " + o.kernelsDir() + "; 'jupyter kernelspec list' shows "
                    + "where kernels are installed");
            return 1;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        System.out.println("Removed kernelspec " + o.name() + " from " + dir.toAbsolutePath());
        return 0;
    }

    /** The command line of install/uninstall, or null after printing what is wrong with it. */
    static Options parse(String[] args) throws IOException {
        Path kernels = userKernels();
        String name = null;
        String backend = "cpu";
        String java = null;     // the running JVM
        boolean vector = false;
        List<String> opts = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            boolean hasValue = i + 1 < args.length;
            switch (a) {
                case "--user" -> kernels = userKernels();
                case "--sys-prefix" -> kernels = Path.of(pythonSysPrefix(), "share", "jupyter", "kernels");
                case "--prefix" -> {
                    if (!hasValue) {
                        return missing(a);
                    }
                    kernels = Path.of(args[++i], "share", "jupyter", "kernels");
                }
                case "--name" -> {
                    if (!hasValue) {
                        return missing(a);
                    }
                    name = args[++i];
                    if (!name.matches("[A-Za-z0-9._-]+")) {
                        System.err.println("kernel name '" + name + "' may only use letters, digits, '.', '_' and '-'");
                        return null;
                    }
                }
                case "--backend" -> {
                    if (!hasValue) {
                        return missing(a);
                    }
                    backend = args[++i];
                    if (!backend.equals("cpu") && !backend.equals("cuda")) {
                        System.err.println("--backend is cpu or cuda, got '" + backend + "'");
                        return null;
                    }
                }
                case "--java" -> {
                    if (!hasValue) {
                        return missing(a);
                    }
                    java = args[++i];
                }
                case "--vector" -> vector = true;
                case "--no-vector" -> vector = false;
                case "--jvm-opt" -> {
                    if (!hasValue) {
                        return missing(a);
                    }
                    opts.add(args[++i]);
                }
                default -> {
                    System.err.println("unknown option " + a + "\nusage: install [--user|--sys-prefix|--prefix DIR] "
                            + "[--name NAME] [--backend cpu|cuda] [--java PATH] [--vector] [--jvm-opt OPT]...");
                    return null;
                }
            }
        }
        return new Options(kernels, name == null ? defaultName(backend) : name, java, opts, backend, vector);
    }

    private static Options missing(String option) {
        System.err.println(option + " needs a value");
        return null;
    }

    private static Path userKernels() {
        String data = System.getenv("JUPYTER_DATA_DIR");
        Path base = data != null && !data.isBlank() ? Path.of(data)
                : Path.of(System.getProperty("user.home"), ".local", "share", "jupyter");
        return base.resolve("kernels");
    }

    private static String pythonSysPrefix() throws IOException {
        Process p = new ProcessBuilder("python3", "-c", "import sys; print(sys.prefix)").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        try {
            if (p.waitFor() != 0) {
                throw new IOException("--sys-prefix needs python3 on the PATH: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking python3 for sys.prefix");
        }
        return out;
    }

    private static Path runningJar() {
        try {
            Path p = Path.of(KernelspecInstaller.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(p) && p.toString().endsWith(".jar") ? p : null;
        } catch (Exception e) {
            return null;
        }
    }
}
