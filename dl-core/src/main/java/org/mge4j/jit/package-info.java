/**
 * MegEngine's {@code jit}: {@link org.mge4j.jit.Jit#trace} turns a function of tensors into a
 * {@link org.mge4j.jit.TracedFunction} (symbolic graph replay, or re-runs checked against the first call with
 * {@link org.mge4j.jit.TraceError}); {@link org.mge4j.jit.TracedFunction#dump} writes an optimised static graph as a
 * {@code .mge} file (format: {@code MgeFormat}) or ONNX; {@link org.mge4j.jit.Jit#load} reads a {@code .mge} file
 * back, validating it, as a {@link org.mge4j.jit.GraphInference} that runs without the code that traced it.
 */
package org.mge4j.jit;
