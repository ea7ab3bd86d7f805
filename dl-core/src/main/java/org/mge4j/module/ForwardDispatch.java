package org.mge4j.module;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.mge4j.Tensor;

/**
 * Finds the {@code forward} a call goes to: the virtual {@code forward(Tensor)} for one tensor when the class
 * overrides it, else the public {@code forward} method whose parameters accept the inputs (most specific wins).
 */
final class ForwardDispatch {
    private ForwardDispatch() {
    }

    private static final ClassValue<List<Method>> FORWARDS = new ClassValue<>() {
        @Override
        protected List<Method> computeValue(Class<?> type) {
            List<Method> out = new ArrayList<>();
            for (Method m : type.getMethods()) {
                if (m.getName().equals("forward") && m.getDeclaringClass() != Module.class) {
                    m.trySetAccessible();  // JShell classes are not public; a public one needs no help
                    out.add(m);
                }
            }
            return out;
        }
    };

    private static final ClassValue<Boolean> OVERRIDES_TENSOR_FORWARD = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("forward", Tensor.class).getDeclaringClass() != Module.class;
            } catch (NoSuchMethodException e) {
                return false;
            }
        }
    };

    static Object run(Module self, Object[] in) {
        if (in.length == 1 && (in[0] == null || in[0] instanceof Tensor) && OVERRIDES_TENSOR_FORWARD.get(self.getClass())) {
            return self.forward((Tensor) in[0]);
        }
        Method match = null;
        for (Method m : FORWARDS.get(self.getClass())) {
            if (accepts(m, in)) {
                if (match != null && !match.getReturnType().isAssignableFrom(m.getReturnType())
                        && !m.getReturnType().isAssignableFrom(match.getReturnType())) {
                    continue;
                }
                if (match == null || isMoreSpecific(m, match)) {
                    match = m;
                }
            }
        }
        if (match == null) {
            if (in.length == 1 && (in[0] == null || in[0] instanceof Tensor)) {
                return self.forward((Tensor) in[0]);
            }
            throw new IllegalArgumentException(self.getClass().getSimpleName() + " has no public forward method taking "
                    + describe(in) + ": declare `public Tensor forward(...)` with " + in.length + " parameter(s)");
        }
        try {
            return match.invoke(self, in);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot call " + match, e);
        }
    }

    private static boolean accepts(Method m, Object[] in) {
        Class<?>[] types = m.getParameterTypes();
        if (types.length != in.length) {
            return false;
        }
        for (int i = 0; i < types.length; i++) {
            if (in[i] == null ? types[i].isPrimitive() : !wrap(types[i]).isInstance(in[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean isMoreSpecific(Method a, Method b) {
        Class<?>[] ta = a.getParameterTypes();
        Class<?>[] tb = b.getParameterTypes();
        for (int i = 0; i < ta.length; i++) {
            if (!tb[i].isAssignableFrom(ta[i])) {
                return false;
            }
        }
        return true;
    }

    private static Class<?> wrap(Class<?> c) {
        if (!c.isPrimitive()) {
            return c;
        }
        return switch (c.getName()) {
            case "int" -> Integer.class;
            case "long" -> Long.class;
            case "double" -> Double.class;
            case "float" -> Float.class;
            case "boolean" -> Boolean.class;
            case "short" -> Short.class;
            case "byte" -> Byte.class;
            default -> Character.class;
        };
    }

    private static String describe(Object[] in) {
        List<String> names = new ArrayList<>();
        for (Object o : in) {
            names.add(o == null ? "null" : o.getClass().getSimpleName());
        }
        return "(" + String.join(", ", names) + ")";
    }
}
