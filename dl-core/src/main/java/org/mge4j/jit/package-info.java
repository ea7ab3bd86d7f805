/**
 * MegEngine's {@code jit}: {@link org.mge4j.jit.Jit#trace} turns a function of tensors into a
 * {@link org.mge4j.jit.TracedFunction} (symbolic graph replay, or re-runs checked against the first call with
 * {@link org.mge4j.jit.TraceError}); {@link org.mge4j.jit.TracedFunction#dump} writes an optimised static graph as a
 * {@code .mge} file (format: {@code MgeFormat}) or ONNX; {@link org.mge4j.jit.Jit#load} reads a {@code .mge} file
 * back, validating it, as a {@link org.mge4j.jit.GraphInference} that runs without the code that traced it. A loaded
 * graph runs as a Java plan where every op has a Java form: on the JDK's vector API when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}, on plain loops the JIT vectorises when it was not.
 */
package org.mge4j.jit;
