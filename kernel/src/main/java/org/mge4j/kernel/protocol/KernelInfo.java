package org.mge4j.kernel.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mge4j.kernel.magic.BackendReport;
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
        c.put("banner", "Java " + Runtime.version() + " :: mge4j kernel " + VERSION + " :: ND4J "
                + BackendReport.bannerName()
                + "\nProtocol v" + Message.PROTOCOL_VERSION + "; %lsmagic lists the magics");
        c.putArray("help_links").addObject().put("text", "Java API").put("url",
                "https://docs.oracle.com/en/java/javase/17/docs/api/index.html");
        c.put("debugger", false);
        return c;
    }
}
