package org.mge4j.display;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The renderer registry the notebook uses: the built-in renderers of mge4j types and every renderer that a jar
 * lists in {@code META-INF/services/org.mge4j.display.Renderer}, plus those registered from code.
 *
 * <p>Service files are read from display's own class loader at first use, and later from each new class loader
 * seen: the context class loader of the thread rendering (a notebook cell's loader, which sees {@code %maven}
 * jars) and the loader of the value's class (a library that ships a type and its renderer together).
 * {@link #reload()} reads them again after jars were added to a loader already seen.
 */
public final class Renderers {
    private static final RendererRegistry REGISTRY = new RendererRegistry();
    private static final Set<ClassLoader> SCANNED = Collections.newSetFromMap(new WeakHashMap<>());
    private static final Object SCAN_LOCK = new Object();

    private Renderers() {
    }

    /** The registry, with the service files of the current thread's class loaders read. */
    public static RendererRegistry registry() {
        scan(Renderers.class.getClassLoader());
        scan(Thread.currentThread().getContextClassLoader());
        return REGISTRY;
    }

    /** Adds a renderer for the whole JVM; later registrations win over earlier ones of the same type and priority. */
    public static void register(Renderer<?> renderer) {
        registry().register(renderer);
    }

    /** Removes a renderer added with {@link #register}; true when it was registered. */
    public static boolean unregister(Renderer<?> renderer) {
        return REGISTRY.unregister(renderer);
    }

    /** Reads the service files again at the next render (call it after adding jars to a class loader). */
    public static void reload() {
        synchronized (SCAN_LOCK) {
            SCANNED.clear();
        }
    }

    /** The full bundle of a value (see {@link RendererRegistry#render(Object, List)}). */
    public static MimeBundle render(Object value) {
        return render(value, List.of());
    }

    /** The bundle of a value limited to the given MIME types (plus text/plain); all when none are given. */
    public static MimeBundle render(Object value, List<String> mimeTypes) {
        RendererRegistry r = registry();
        if (value != null) {
            scan(value.getClass().getClassLoader());
        }
        return r.render(value, mimeTypes);
    }

    /** The data of a value's full bundle, as the kernel publishes it. */
    public static Map<String, Object> data(Object value) {
        return render(value).data();
    }

    private static void scan(ClassLoader loader) {
        if (loader == null) {
            return;
        }
        synchronized (SCAN_LOCK) {
            if (SCANNED.add(loader)) {
                REGISTRY.loadServices(loader);
            }
        }
    }
}
