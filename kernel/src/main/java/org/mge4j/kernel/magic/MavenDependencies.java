package org.mge4j.kernel.magic;

import org.apache.maven.repository.internal.MavenRepositorySystemUtils;
import org.eclipse.aether.DefaultRepositorySystemSession;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.graph.Exclusion;
import org.eclipse.aether.repository.LocalRepository;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;
import org.eclipse.aether.util.repository.SimpleArtifactDescriptorPolicy;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves {@code group:artifact[:extension[:classifier]]:version} with Maven Resolver, transitively, from the
 * local repository ({@code ~/.m2/repository}, or {@code -Dmaven.repo.local}) and Maven Central plus any
 * repositories added with %mavenRepo.
 */
final class MavenDependencies {
    private final Map<String, RemoteRepository> repositories = new LinkedHashMap<>();
    private RepositorySystem system;

    MavenDependencies() {
        addRepository("central", "https://repo.maven.apache.org/maven2/");
    }

    void addRepository(String id, String url) {
        repositories.put(id, new RemoteRepository.Builder(id, "default", url).build());
    }

    Map<String, String> repositories() {
        Map<String, String> out = new LinkedHashMap<>();
        repositories.forEach((id, r) -> out.put(id, r.getUrl()));
        return out;
    }

    /** Resolved jars, in dependency order (the requested artifacts first). */
    List<Path> resolve(List<String> coordinates) throws DependencyResolutionException {
        return resolveWithExclusions(coordinates.stream().map(c -> new PomCell.Coordinate(c, List.of())).toList());
    }

    /** Resolved jars of coordinates that may exclude some of their transitive dependencies ({@code g:a}). */
    List<Path> resolveWithExclusions(List<PomCell.Coordinate> coordinates) throws DependencyResolutionException {
        if (system == null) {
            system = new RepositorySystemSupplier().get();
        }
        DefaultRepositorySystemSession session = MavenRepositorySystemUtils.newSession();
        // POM profiles activate on java.version etc.; without these, descriptors silently lose their dependencies
        session.setSystemProperties(System.getProperties());
        session.setArtifactDescriptorPolicy(new SimpleArtifactDescriptorPolicy(true, false));
        String local = System.getProperty("maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        session.setLocalRepositoryManager(system.newLocalRepositoryManager(session, new LocalRepository(local)));
        CollectRequest collect = new CollectRequest();
        for (PomCell.Coordinate c : coordinates) {
            List<Exclusion> exclusions = c.exclusions().stream().map(e -> e.split(":"))
                    .map(ga -> new Exclusion(ga[0], ga.length > 1 ? ga[1] : "*", "*", "*")).toList();
            collect.addDependency(new Dependency(new DefaultArtifact(c.coordinates()), JavaScopes.RUNTIME, false,
                    exclusions));
        }
        collect.setRepositories(new ArrayList<>(repositories.values()));
        DependencyRequest request = new DependencyRequest(collect,
                DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME));
        List<Path> jars = new ArrayList<>();
        for (ArtifactResult r : system.resolveDependencies(session, request).getArtifactResults()) {
            File f = r.getArtifact().getFile();
            if (f != null) {
                jars.add(f.toPath());
            }
        }
        return jars;
    }
}
