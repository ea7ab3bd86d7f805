package org.mge4j.kernel.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The contents of a Jupyter connection file: where the five sockets listen and the key that signs messages.
 *
 * @param transport       "tcp" or "ipc"
 * @param ip              the address (for ipc, a path prefix)
 * @param shellPort       shell ROUTER port
 * @param iopubPort       IOPub PUB port
 * @param stdinPort       stdin ROUTER port
 * @param controlPort     control ROUTER port
 * @param hbPort          heartbeat REP port
 * @param signatureScheme "hmac-sha256" (the only scheme supported)
 * @param key             the signing key; empty means messages are not signed
 */
public record ConnectionInfo(String transport, String ip, int shellPort, int iopubPort, int stdinPort,
                             int controlPort, int hbPort, String signatureScheme, String key) {

    /** Reads a connection file as written by jupyter_client. */
    public static ConnectionInfo read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("connection file " + file + " does not exist; the kernel is started by Jupyter with "
                    + "'java -jar kernel.jar <connection_file>' (install it with 'java -jar kernel.jar install')");
        }
        JsonNode n = new ObjectMapper().readTree(file.toFile());
        String scheme = n.path("signature_scheme").asText("hmac-sha256");
        if (!scheme.isEmpty() && !scheme.equals("hmac-sha256")) {
            throw new IOException("signature_scheme " + scheme + " in " + file + " is not supported; use hmac-sha256");
        }
        return new ConnectionInfo(n.path("transport").asText("tcp"), n.path("ip").asText("127.0.0.1"),
                n.path("shell_port").asInt(), n.path("iopub_port").asInt(), n.path("stdin_port").asInt(),
                n.path("control_port").asInt(), n.path("hb_port").asInt(), scheme, n.path("key").asText(""));
    }

    /** The ZeroMQ endpoint for a port: {@code tcp://ip:port} or {@code ipc://ip-port}. */
    public String endpoint(int port) {
        return "ipc".equals(transport) ? "ipc://" + ip + "-" + port : transport + "://" + ip + ":" + port;
    }
}
