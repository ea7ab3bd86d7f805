package org.mge4j.jit;

import java.util.List;

/**
 * What {@link TracedFunction#dump} wrote (MegEngine's {@code CompGraphDumpResult}).
 *
 * @param nrOpr            operators as MegEngine counts them: one per input, per constant and per op, after optimisation
 * @param totBytes         bytes of the file
 * @param tensorValueBytes bytes of the constant values (weights)
 * @param contentHash      the file's CRC32C, as hex
 * @param inputs           input names, in argument order
 * @param outputs          output names, in output order
 * @param params           names of the constants
 */
public record DumpResult(int nrOpr, long totBytes, long tensorValueBytes, String contentHash, List<String> inputs,
                         List<String> outputs, List<String> params) {
}
