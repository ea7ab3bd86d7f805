package org.mge4j.display;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A set of {@link Renderer}s and the rule that picks one for a value: the most specific type first (distance in
 * the class and interface hierarchy, the value's own class at 0), then the highest priority, then the renderer
 * registered last. {@link Renderers} holds the one the notebook uses; tests build their own.
 */
public final class RendererRegistry {
    private final List<Registered> renderers = new CopyOnWriteArrayList<>();
    private final Map<Class<?>, List<Renderer<Object>>> byClass = new ConcurrentHashMap<>();
    private long sequence;

    private record Registered(Renderer<Object> renderer, Class<?> type, long order) {
    }

    /** An empty registry: every value renders as its text. */
    public RendererRegistry() {
    }

    /**
     * Adds a renderer; it takes part in lookups from now on.
     *
     * @throws IllegalArgumentException when its {@code type()} is null
     */
    @SuppressWarnings("unchecked")
    public synchronized RendererRegistry register(Renderer<?> renderer) {
        Class<?> type = renderer.type();
        if (type == null) {
            throw new IllegalArgumentException(renderer.getClass().getName() + ".type() returned null; "
                    + "return the class or interface it draws");
        }
        renderers.add(new Registered((Renderer<Object>) renderer, type, sequence++));
        byClass.clear();
        return this;
    }

    /** Removes a renderer registered earlier (compared by identity); true when it was there. */
    public synchronized boolean unregister(Renderer<?> renderer) {
        boolean removed = renderers.removeIf(r -> r.renderer() == renderer);
        byClass.clear();
        return removed;
    }

    /**
     * Registers every {@link Renderer} that {@code loader} lists in {@code META-INF/services}. A provider whose
     * type is missing from the classpath (a renderer for an optional library) is skipped; any other broken provider
     * is reported on stderr and skipped, so one bad jar cannot stop the notebook from showing anything.
     */
    public synchronized void loadServices(ClassLoader loader) {
        var it = ServiceLoader.load(Renderer.class, loader).stream().iterator();
        while (true) {
            ServiceLoader.Provider<Renderer> provider;
            try {
                if (!it.hasNext()) {
                    break;
                }
                provider = it.next();
            } catch (ServiceConfigurationError e) {
                System.err.println("[mge4j display] skipping a renderer that cannot be loaded: " + e.getMessage());
                continue;
            }
            if (renderers.stream().anyMatch(r -> r.renderer().getClass() == provider.type())) {
                continue;      // already registered, from this loader or a parent seen earlier
            }
            try {
                Renderer<?> r = provider.get();
                if (r.type() != null) {
                    register(r);
                }
            } catch (ServiceConfigurationError | LinkageError e) {
                if (!(e instanceof NoClassDefFoundError)) {
                    System.err.println("[mge4j display] skipping renderer " + provider.type().getName() + ": " + e);
                }
            }
        }
    }

    /** The renderers that would be asked for a value of class {@code c}, in the order they are asked. */
    public List<Renderer<Object>> candidates(Class<?> c) {
        return byClass.computeIfAbsent(c, this::rank);
    }

    private List<Renderer<Object>> rank(Class<?> c) {
        Map<Class<?>, Integer> distance = distances(c);
        List<Registered> matching = new ArrayList<>();
        for (Registered r : renderers) {
            if (distance.containsKey(r.type())) {
                matching.add(r);
            }
        }
        matching.sort(Comparator.<Registered>comparingInt(r -> distance.get(r.type()))
                .thenComparing(Comparator.<Registered>comparingInt(r -> r.renderer().priority()).reversed())
                .thenComparing(Comparator.<Registered>comparingLong(Registered::order).reversed()));
        return matching.stream().map(Registered::renderer).toList();
    }

    /** Breadth-first distances from {@code c} to each of its supertypes; Object is always the farthest. */
    private static Map<Class<?>, Integer> distances(Class<?> c) {
        Map<Class<?>, Integer> out = new HashMap<>();
        Deque<Class<?>> queue = new ArrayDeque<>();
        out.put(c, 0);
        queue.add(c);
        int max = 0;
        while (!queue.isEmpty()) {
            Class<?> k = queue.poll();
            int d = out.get(k);
            max = Math.max(max, d);
            List<Class<?>> parents = new ArrayList<>(Arrays.asList(k.getInterfaces()));
            if (k.getSuperclass() != null && k.getSuperclass() != Object.class) {
                parents.add(0, k.getSuperclass());
            }
            for (Class<?> p : parents) {
                if (!out.containsKey(p)) {
                    out.put(p, d + 1);
                    queue.add(p);
                }
            }
        }
        out.put(Object.class, max + 1);
        return out;
    }

    /** The full bundle of {@code value}: every representation its renderer offers, always with text/plain. */
    public MimeBundle render(Object value) {
        return render(value, List.of());
    }

    /**
     * The bundle of {@code value} limited to {@code mimeTypes} (plus text/plain); all types when none are given.
     * A String (any CharSequence) with named types is taken as content of those types:
     * {@code render("<b>hi</b>", "text/html")}.
     *
     * @throws IllegalArgumentException when the value renders as none of the named types
     */
    public MimeBundle render(Object value, List<String> mimeTypes) {
        if (value instanceof CharSequence cs && !mimeTypes.isEmpty()) {
            MimeBundle.Builder b = MimeBundle.builder();
            for (String m : mimeTypes) {
                b.put(m, cs.toString());
            }
            if (!b.has(MimeBundle.TEXT_PLAIN)) {
                b.text(cs.toString());
            }
            return b.build();
        }
        RenderContext ctx = new RenderContext(this, mimeTypes);
        MimeBundle bundle = null;
        if (value instanceof Renderable r) {
            bundle = r.toBundle(ctx);
        }
        if (bundle == null && value != null) {
            for (Renderer<Object> r : candidates(value.getClass())) {
                bundle = tryRenderer(r, value, ctx);
                if (bundle != null) {
                    break;
                }
            }
        }
        if (bundle == null) {
            bundle = MimeBundle.text(PlainText.of(value));
        } else if (!bundle.has(MimeBundle.TEXT_PLAIN)) {
            bundle = bundle.toBuilder().text(PlainText.of(value)).build();
        }
        if (mimeTypes.isEmpty()) {
            return bundle;
        }
        String what = "a " + (value == null ? "null" : value.getClass().getSimpleName());
        if (mimeTypes.stream().noneMatch(bundle::has)) {
            // renderers skip types not asked for: name every type the value has in the message
            render(value).only(mimeTypes, what);
        }
        return bundle.only(mimeTypes, what);
    }

    private static MimeBundle tryRenderer(Renderer<Object> r, Object value, RenderContext ctx) {
        try {
            return r.accepts(value) ? r.render(value, ctx) : null;
        } catch (RuntimeException | LinkageError e) {
            // a broken renderer must not cost the user the cell's result: say so, and let the next one draw it
            System.err.println("[mge4j display] " + r.getClass().getName() + " failed on a "
                    + value.getClass().getName() + " (" + e + "); showing it with the next renderer");
            return null;
        }
    }
}
