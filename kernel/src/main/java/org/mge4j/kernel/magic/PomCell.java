package org.mge4j.kernel.magic;

import org.apache.maven.model.Dependency;
import org.apache.maven.model.Model;
import org.apache.maven.model.Repository;
import org.apache.maven.model.io.xpp3.MavenXpp3Reader;
import org.codehaus.plexus.util.xml.pull.XmlPullParserException;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The body of a {@code %%loadFromPOM} cell read as a POM: a whole {@code <project>}, or only its
 * {@code <dependencies>}, {@code <repositories>}, {@code <properties>} and {@code <dependencyManagement>}
 * sections, or bare {@code <dependency>} elements. Versions may use {@code ${property}} from the POM's properties,
 * and may be left to {@code <dependencyManagement>}.
 */
final class PomCell {
    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");
    private static final List<String> SKIPPED_SCOPES = List.of("test", "provided", "system");

    /** A dependency to resolve: coordinates {@code g:a:ext[:classifier]:v} and {@code g:a} exclusions. */
    record Coordinate(String coordinates, List<String> exclusions) {
    }

    private final Model model;

    private PomCell(Model model) {
        this.model = model;
    }

    /** Parses the cell body; the message of the exception says what is wrong with it. */
    static PomCell parse(String body) throws IllegalArgumentException {
        String xml = body.strip();
        if (xml.isEmpty()) {
            throw new IllegalArgumentException("the cell has no POM: put <dependencies>...</dependencies> (or a whole"
                    + " <project>) below %%loadFromPOM");
        }
        if (xml.startsWith("<?xml")) {
            xml = xml.substring(xml.indexOf("?>") + 2).strip();
        }
        if (!xml.startsWith("<project")) {
            if (xml.startsWith("<dependency>") || xml.startsWith("<dependency ")) {
                xml = "<dependencies>" + xml + "</dependencies>";
            }
            xml = "<project><modelVersion>4.0.0</modelVersion><groupId>notebook</groupId>"
                    + "<artifactId>cell</artifactId><version>0</version>" + xml + "</project>";
        }
        try {
            return new PomCell(new MavenXpp3Reader().read(new StringReader(xml), true));
        } catch (XmlPullParserException e) {
            throw new IllegalArgumentException("the POM does not parse: " + e.getMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("the POM cannot be read: " + e.getMessage());
        }
    }

    /** The repositories the POM declares, id to URL. */
    Map<String, String> repositories() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Repository r : model.getRepositories()) {
            out.put(r.getId() == null ? r.getUrl() : r.getId(), interpolate(r.getUrl()));
        }
        return out;
    }

    /** The runtime dependencies (test, provided and system scopes are left out). */
    List<Coordinate> dependencies() {
        List<Coordinate> out = new ArrayList<>();
        for (Dependency d : model.getDependencies()) {
            if (d.getScope() != null && SKIPPED_SCOPES.contains(interpolate(d.getScope()))) {
                continue;
            }
            String group = interpolate(d.getGroupId());
            String artifact = interpolate(d.getArtifactId());
            String version = d.getVersion() != null ? interpolate(d.getVersion()) : managedVersion(d);
            if (version == null || version.isBlank()) {
                throw new IllegalArgumentException("dependency " + group + ":" + artifact + " has no <version> and"
                        + " none in <dependencyManagement>");
            }
            if (version.contains("${")) {
                throw new IllegalArgumentException("dependency " + group + ":" + artifact + " has version " + version
                        + ", a property this POM does not define in <properties>");
            }
            String type = d.getType() == null ? "jar" : interpolate(d.getType());
            String classifier = d.getClassifier() == null ? "" : ":" + interpolate(d.getClassifier());
            List<String> exclusions = d.getExclusions().stream()
                    .map(e -> interpolate(e.getGroupId()) + ":" + interpolate(e.getArtifactId())).toList();
            out.add(new Coordinate(group + ":" + artifact + ":" + type + classifier + ":" + version, exclusions));
        }
        return out;
    }

    private String managedVersion(Dependency d) {
        if (model.getDependencyManagement() == null) {
            return null;
        }
        for (Dependency m : model.getDependencyManagement().getDependencies()) {
            if (interpolate(m.getGroupId()).equals(interpolate(d.getGroupId()))
                    && interpolate(m.getArtifactId()).equals(interpolate(d.getArtifactId()))) {
                return m.getVersion() == null ? null : interpolate(m.getVersion());
            }
        }
        return null;
    }

    private String interpolate(String value) {
        if (value == null) {
            return null;
        }
        Properties props = model.getProperties();
        String out = value;
        for (int round = 0; round < 10 && out.contains("${"); round++) {
            Matcher m = PROPERTY.matcher(out);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String key = m.group(1);
                String v = switch (key) {
                    case "project.version", "version" -> model.getVersion();
                    case "project.groupId" -> model.getGroupId();
                    default -> props.getProperty(key, System.getProperty(key));
                };
                m.appendReplacement(sb, Matcher.quoteReplacement(v == null ? m.group() : v));
            }
            m.appendTail(sb);
            if (sb.toString().equals(out)) {
                break;
            }
            out = sb.toString();
        }
        return out;
    }
}
