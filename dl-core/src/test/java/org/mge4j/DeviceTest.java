package org.mge4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mge4j.module.Linear;

/** MegEngine's device names on the CPU backend, moving tensors and modules, and the CUDA start-up checks. */
class DeviceTest {
    @TempDir
    Path dir;

    private static String refused(String name) {
        return assertThrows(IllegalArgumentException.class, () -> Device.of(name)).getMessage();
    }

    @Test
    void cpuNamesAndTheDefaultDeviceAreCpu0WithMegEnginesLogicalName() {
        for (String n : List.of("cpu0", "cpu0:0", "CPU0", " cpux ", "cpu:default", "xpux")) {
            assertSame(Device.CPU0, Device.of(n), n);
        }
        assertEquals("cpu0:0", Device.of("cpux").logicalName());
        assertEquals("cpu0", Device.CPU0.name());
        assertEquals("cpu", Device.CPU0.type());
        assertEquals("cpu0:1", Device.of("cpu0:1").logicalName());
        assertSame(Device.CPU0, Device.defaultDevice());
        assertEquals(Device.CPU0, Tensor.of(new float[] {1}).device());
        assertEquals(Device.CPU0, Tensor.ones(2).add(1).device(), "op results are on the default device");
    }

    @Test
    void gpuNamesAreRefusedOnTheCpuBackendSayingWhatToUseInstead() {
        for (String n : List.of("gpu0", "gpux", "gpu1:0")) {
            String m = refused(n);
            assertTrue(m.contains("device '" + n + "' needs the CUDA backend") && m.contains("nd4j-native")
                    && m.contains("use cpu0") && m.contains("Java (mge4j, CUDA)") && m.contains("mapLocation(\"cpu0\")"), m);
        }
    }

    @Test
    void unknownNamesAreRefusedNamingTheExpectedFormAndPyTorchNamesGetTheirMegEngineNames() {
        for (String n : List.of("tpu0", "", "gpu", "cpu0:x", "cpu-1", "0")) {
            assertTrue(refused(n).startsWith("unknown device '" + n + "'; expected a MegEngine device name such as cpu0"), n);
            assertFalse(Device.isValidName(n), n);
        }
        assertTrue(refused("cuda:1").endsWith("PyTorch's 'cuda:1' is MegEngine's gpu1"), refused("cuda:1"));
        assertTrue(refused("cuda").endsWith("PyTorch's 'cuda' is MegEngine's gpu0"), refused("cuda"));
        assertTrue(refused("cpu").endsWith("PyTorch's 'cpu' is MegEngine's cpu0"), refused("cpu"));
        assertTrue(refused("cpu1").contains("does not exist: mge4j has one CPU device, cpu0"), refused("cpu1"));
        for (String n : List.of("cpu0", "gpu3", "xpux", "gpu0:1", "cpu:default")) {
            assertTrue(Device.isValidName(n), n);
        }
    }

    @Test
    void tensorToTheDeviceItIsOnIsTheSameTensorAndToAGpuFailsOnTheCpuBackend() {
        Tensor t = Tensor.of(new float[] {1, 2});
        assertSame(t, t.to("cpu0"));
        assertSame(t, t.to("xpux"));
        assertSame(t, t.to(Device.CPU0));
        assertThrows(IllegalArgumentException.class, () -> t.to("gpu0"));
        assertThrows(IllegalArgumentException.class, () -> t.to("cuda:0"));
    }

    @Test
    void moduleToKeepsEveryTensorInPlaceAndRefusesAMissingDeviceBeforeMovingAnything() {
        Linear fc = new Linear(3, 2);
        Tensor w = fc.weight;
        assertSame(fc, fc.to("cpu0"));
        assertSame(fc, fc.to("xpux"));
        assertSame(w, fc.weight);
        fc.namedTensors().values().forEach(t -> assertEquals(Device.CPU0, t.device()));
        String m = assertThrows(IllegalArgumentException.class, () -> fc.to("gpu0")).getMessage();
        assertTrue(m.contains("needs the CUDA backend"), m);
        assertEquals(Device.CPU0, fc.weight.device());
    }

    @Test
    void theCpuBackendReportsItsKindAndOneDeviceWithModelCoresAndMemory() {
        assertEquals(Backend.Kind.CPU, Backend.kind());
        assertFalse(Backend.hasGpu());
        assertEquals(0, Backend.gpuCount());
        List<DeviceInfo> devices = Backend.devices();
        assertEquals(1, devices.size());
        DeviceInfo cpu = devices.get(0);
        assertEquals("cpu0", cpu.name());
        assertEquals(Runtime.getRuntime().availableProcessors(), cpu.cores());
        assertTrue(cpu.memory() > 0 && cpu.freeMemory() > 0 && cpu.freeMemory() <= cpu.memory(), cpu.toString());
        assertFalse(cpu.model().isBlank());
        assertTrue(List.of("AVX-512", "AVX2", "no AVX2").contains(cpu.capability()), cpu.capability());
        assertTrue(cpu.toString().startsWith("cpu0  " + cpu.model() + ", " + cpu.cores() + " core"), cpu.toString());
        assertEquals("gpu0  NVIDIA H200, compute capability 9.0, 140.0 GiB memory (139.0 GiB free)",
                new DeviceInfo("gpu0", "NVIDIA H200", 0, 140L << 30, 139L << 30, "9.0").toString());
    }

    @Test
    void cudaNeedsTheDriverFromTheMachineAndCuda11LibrariesFromTheMachineOrTheRedistJar() throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        String noDriver = CudaLibraries.missing(List.of(lib), name -> true);
        assertTrue(noDriver.startsWith("the NVIDIA driver (libcuda.so.1 was not found"), noDriver);

        Files.createFile(lib.resolve("libcuda.so.1"));
        String noRuntime = CudaLibraries.missing(List.of(lib), name -> false);
        assertEquals("CUDA 11's libraries (libcudart.so.11.0, libcublas.so.11, libcublasLt.so.11, libcusolver.so.11 not found;"
                + " ND4J 1.0.0-M2.1 is built for CUDA 11.6: install a CUDA 11.x toolkit or its cuBLAS/cuSOLVER packages,"
                + " or rebuild with -Pcuda,cuda-redist, which brings them in a jar)", noRuntime);
        assertNull(CudaLibraries.missing(List.of(lib), name -> true), "the redist jar supplies the CUDA libraries");

        for (String name : CudaLibraries.RUNTIME) {
            Files.createFile(lib.resolve(name));
        }
        assertNull(CudaLibraries.missing(List.of(dir.resolve("nothing"), lib), name -> false));
        assertTrue(CudaLibraries.searchPath().contains(Path.of("/usr/lib/x86_64-linux-gnu")));
    }

    @Test
    void aCudaBuildThatCannotStartSaysWhichBackendWhatIsMissingAndToUseTheCpuKernelspec() {
        String m = Backend.cudaUnavailable("the NVIDIA driver (libcuda.so.1 was not found)");
        assertEquals("mge4j was built for ND4J's CUDA backend (nd4j-cuda-11.6, the cuda profile), but it cannot start on"
                + " this machine: the NVIDIA driver (libcuda.so.1 was not found). Use the CPU build instead: the"
                + " \"Java (mge4j)\" kernelspec (install/notebook.sh registers it), or build without -Pcuda.", m);
        String hopper = Backend.describeCudaFailure(new RuntimeException("op failed",
                new IllegalStateException("cudaErrorNoKernelImageForDevice: no kernel image is available for execution on the device")), "");
        assertTrue(hopper.contains("3.7 to 8.6 only (no PTX)") && hopper.contains("sm_90")
                && hopper.endsWith("no kernel image is available for execution on the device"), hopper);
        assertEquals("ND4J's CUDA backend failed to start (IllegalStateException: boom)",
                Backend.describeCudaFailure(new ExceptionInInitializerError(new IllegalStateException("boom\n\tat native")), ""));
        assertTrue(Backend.describeCudaFailure(new UnsatisfiedLinkError("libcuda.so.1: cannot open shared object file"), "")
                .startsWith("no usable NVIDIA GPU"));
        // ND4J prints why the CUDA backend failed and then only says it found no backend: the printed reason is used
        String printed = "java.lang.UnsatisfiedLinkError: /root/.javacpp/cache/libjnicudart.so: /x/libcuda.so.1: file too short\n"
                + "\tat java.base/jdk.internal.loader.NativeLibraries.load(Native Method)\n";
        assertEquals("no usable NVIDIA GPU (/root/.javacpp/cache/libjnicudart.so: /x/libcuda.so.1: file too short)",
                Backend.describeCudaFailure(new RuntimeException(new org.nd4j.linalg.factory.Nd4jBackend.NoAvailableBackendException(
                        "Please ensure that you have an nd4j backend on your classpath")), printed));
    }
}
