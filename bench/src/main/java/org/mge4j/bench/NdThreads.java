package org.mge4j.bench;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/** Thread count and build description of ND4J's native backend, for the DL4J runner (mge4j has Backend). */
final class NdThreads {
    private NdThreads() {
    }

    static void set(int threads) {
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
    }

    /** For example {@code "nd4j-native onednn-avx2 (HAVE_ONEDNN, binary level 2)"}, from the loaded library. */
    static String describe() {
        var ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        String build = ops.buildInfo();
        String ext = System.getProperty("org.bytedeco.javacpp.platform.extension", "");
        return "nd4j-native " + (ext.isEmpty() ? "plain" : ext.substring(1)) + " ("
                + (build.contains("HAVE_ONEDNN") ? "HAVE_ONEDNN" : "no oneDNN") + ", binary level "
                + ops.binaryLevel() + ", omp threads " + ops.ompGetMaxThreads() + ")";
    }
}
