package org.mge4j.kernel.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** install --backend cuda: a second kernelspec with its own name, only from a jar built for that backend. */
class KernelspecBackendTest {
    @Test
    void eachBackendHasItsOwnKernelspecNameAndDisplayName() {
        assertEquals("mge4j", KernelspecInstaller.defaultName("cpu"));
        assertEquals("mge4j-cuda", KernelspecInstaller.defaultName("cuda"));
        assertEquals("Java (mge4j)", KernelspecInstaller.displayName("mge4j", "cpu"));
        assertEquals("Java (mge4j, CUDA)", KernelspecInstaller.displayName("mge4j-cuda", "cuda"));
        assertEquals("Java (lab, CUDA)", KernelspecInstaller.displayName("lab", "cuda"));
        assertEquals("Java (lab)", KernelspecInstaller.displayName("lab", "cpu"));
    }

    @Test
    void theJarsBackendComesFromTheNd4jJarsItsManifestNames() {
        assertEquals("cuda", KernelspecInstaller.backendOf(List.of("lib/dl-core-0.1.0-SNAPSHOT.jar",
                "lib/nd4j-cuda-11.6-1.0.0-M2.1-linux-x86_64.jar")));
        assertEquals("cpu", KernelspecInstaller.backendOf(List.of("lib/dl-core-0.1.0-SNAPSHOT.jar",
                "lib/nd4j-native-1.0.0-M2.1-linux-x86_64-onednn-avx2.jar")));
    }

    @Test
    void aKernelspecIsNeverRegisteredFromTheOtherBackendsJar() {
        assertNull(KernelspecInstaller.backendMismatch("cuda", "cuda"));
        assertNull(KernelspecInstaller.backendMismatch("cpu", "cpu"));
        String cudaFromCpu = KernelspecInstaller.backendMismatch("cuda", "cpu");
        assertTrue(cudaFromCpu.contains("mvn -Pcuda -DskipTests package") && cudaFromCpu.contains("target-cuda"), cudaFromCpu);
        String cpuFromCuda = KernelspecInstaller.backendMismatch("cpu", "cuda");
        assertTrue(cpuFromCuda.contains("install --backend cuda") && cpuFromCuda.contains("Java (mge4j, CUDA)"), cpuFromCuda);
    }
}
