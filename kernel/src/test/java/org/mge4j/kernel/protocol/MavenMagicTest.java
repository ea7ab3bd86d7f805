package org.mge4j.kernel.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** %mavenRepo and %maven against a file repository made by the test (no network). */
@Timeout(120)
class MavenMagicTest {

    private static void artifact(Path repo, String a, String dependsOn) throws IOException {
        Path dir = repo.resolve("t/" + a + "/1.0");
        Files.createDirectories(dir);
        String deps = dependsOn == null ? "" : "<dependencies><dependency><groupId>t</groupId><artifactId>" + dependsOn
                + "</artifactId><version>1.0</version></dependency></dependencies>";
        Files.writeString(dir.resolve(a + "-1.0.pom"), "<project><modelVersion>4.0.0</modelVersion><groupId>t</groupId>"
                + "<artifactId>" + a + "</artifactId><version>1.0</version>" + deps + "</project>");
        try (OutputStream out = Files.newOutputStream(dir.resolve(a + "-1.0.jar"));
             JarOutputStream jar = new JarOutputStream(out)) {
            jar.putNextEntry(new ZipEntry(a + ".txt"));
            jar.write(("resource of " + a).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void mavenMagicAddsTheArtifactAndItsTransitiveDependencyOnce() throws Exception {
        Path repo = Files.createTempDirectory("mge4j-repo");
        artifact(repo, "alpha", "beta");
        artifact(repo, "beta", null);
        try (KernelProcess k = new KernelProcess(Files.createTempDirectory("mge4j-data")); TestClient c = new TestClient(k)) {
            c.waitForReady(30_000);
            assertEquals("ok", c.execute("%mavenRepo files " + repo.toUri()).status());
            TestClient.Execution added = c.execute("%maven t:alpha:1.0");
            assertEquals("ok", added.status(), added.reply().content().toString());
            assertEquals("Added alpha-1.0.jar\nAdded beta-1.0.jar\n", added.stdout());
            TestClient.Execution read = c.execute("new String(new Object(){}.getClass().getClassLoader()"
                    + ".getResourceAsStream(\"beta.txt\").readAllBytes())");
            assertEquals("resource of beta", read.result());
            assertTrue(c.execute("%maven t:alpha:1.0").stdout().startsWith("Already on the classpath"));
            TestClient.Execution missing = c.execute("%maven t:gamma:1.0");
            assertEquals("error", missing.status());
            assertTrue(missing.reply().content().path("evalue").asText().contains("t:gamma"));
        }
    }

    @Test
    void loadFromPomResolvesTheDependenciesOfAPomBodyWithPropertiesAndItsRepositories() throws Exception {
        Path repo = Files.createTempDirectory("mge4j-repo");
        artifact(repo, "gamma", "delta");
        artifact(repo, "delta", null);
        artifact(repo, "tested", null);
        String pom = String.join("\n",
                "%%loadFromPOM",
                "<project>",
                "  <properties><gamma.version>1.0</gamma.version></properties>",
                "  <repositories><repository><id>files</id><url>" + repo.toUri() + "</url></repository></repositories>",
                "  <dependencies>",
                "    <dependency><groupId>t</groupId><artifactId>gamma</artifactId><version>${gamma.version}</version></dependency>",
                "    <dependency><groupId>t</groupId><artifactId>tested</artifactId><version>1.0</version><scope>test</scope></dependency>",
                "  </dependencies>",
                "</project>");
        try (KernelProcess k = new KernelProcess(Files.createTempDirectory("mge4j-data")); TestClient c = new TestClient(k)) {
            c.waitForReady(30_000);
            TestClient.Execution added = c.execute(pom);
            assertEquals("ok", added.status(), added.reply().content().toString());
            assertTrue(added.stdout().contains("gamma-1.0.jar") && added.stdout().contains("delta-1.0.jar"), added.stdout());
            assertTrue(!added.stdout().contains("tested-1.0.jar"), "test-scoped dependencies are skipped: " + added.stdout());
            TestClient.Execution read = c.execute("new String(new Object(){}.getClass().getClassLoader()"
                    + ".getResourceAsStream(\"delta.txt\").readAllBytes())");
            assertEquals("resource of delta", read.result());
        }
    }
}
