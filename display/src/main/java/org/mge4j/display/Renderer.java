package org.mge4j.display;

/**
 * Draws objects of one type (a class or an interface, and everything below it) as a {@link MimeBundle}.
 *
 * <p>Register one for the whole JVM with {@code Renderers.register(renderer)}, or ship it in a jar with a line
 * naming the class in {@code META-INF/services/org.mge4j.display.Renderer} (a public class with a public no-argument
 * constructor): the registry finds it through {@link java.util.ServiceLoader}, also in jars a notebook adds with
 * {@code %maven}. For a value, the renderers of the most specific matching type are asked first (its class before
 * its superclasses, an interface it implements directly before an inherited one), and among those of one type the
 * one with the highest {@link #priority()}; a renderer that does not {@link #accepts accept} a value, or returns
 * null, passes it on to the next.
 *
 * <pre>{@code
 * Renderers.register(new Renderer<Point>() {
 *     public Class<Point> type() { return Point.class; }
 *     public MimeBundle render(Point p, RenderContext ctx) {
 *         return MimeBundle.builder().text(p.x + "," + p.y).html("<b>" + p.x + "," + p.y + "</b>").build();
 *     }
 * });
 * }</pre>
 *
 * @param <T> the type drawn
 */
public interface Renderer<T> {
    /** The class or interface this renderer draws; subclasses and implementations are drawn too. */
    Class<T> type();

    /** Among renderers of the same type, the higher priority is asked first (built-in renderers use 0). */
    default int priority() {
        return 0;
    }

    /** Whether this renderer draws this particular value (a state-dict renderer accepts only maps of tensors). */
    default boolean accepts(T value) {
        return true;
    }

    /**
     * The representations of {@code value}: at least {@code text/plain}, which the registry otherwise fills in
     * from {@code toString()}; or null to let the next renderer try.
     */
    MimeBundle render(T value, RenderContext context);
}
