package org.mge4j.kernel.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mge4j.kernel.wire.Message;

/** The kernel_info_reply content: answered at once, without waiting for JShell or ND4J. */
final class KernelInfo {
    static final String VERSION = "0.1.0";

    private KernelInfo() {
    }

    static ObjectNode content() {
        ObjectNode c = Request.ok();
        c.put("protocol_version", Message.PROTOCOL_VERSION);
        c.put("implementation", "mge4j");
        c.put("implementation_version", VERSION);
        ObjectNode li = c.putObject("language_info");
        li.put("name", "java");
        li.put("version", Runtime.version().toString());
        li.put("mimetype", "text/x-java-source");
        li.put("file_extension", ".jshell");
        li.put("pygments_lexer", "java");
        li.put("codemirror_mode", "text/x-java");
        li.put("nbconvert_exporter", "script");
        c.put("banner", "Java " + Runtime.version() + " :: mge4j kernel " + VERSION + " :: " + nd4jBackend()
                + "\nProtocol v" + Message.PROTOCOL_VERSION + "; %lsmagic lists the magics");
        c.putArray("help_links").addObject().put("text", "Java API").put("url",
                "https://docs.oracle.com/en/java/javase/17/docs/api/index.html");
        c.put("debugger", false);
        return c;
    }

    /** The ND4J backend found on the classpath, checked by resource name so ND4J itself is not loaded. */
    static String nd4jBackend() {
        ClassLoader cl = KernelInfo.class.getClassLoader();
        if (cl.getResource("org/nd4j/linalg/jcublas/JCublasBackend.class") != null) {
            return "ND4J backend: CUDA (nd4j-cuda)";
        }
        if (cl.getResource("org/nd4j/linalg/cpu/nativecpu/CpuBackend.class") != null) {
            return "ND4J backend: CPU (nd4j-native)";
        }
        return "ND4J: not on the classpath";
    }
}
