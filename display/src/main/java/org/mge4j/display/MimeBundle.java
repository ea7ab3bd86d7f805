package org.mge4j.display;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a notebook shows for one object: its representations by MIME type ({@code text/plain}, {@code text/html},
 * {@code image/png} as Base64, ...) and optional per-type metadata (an image's width). Jupyter's {@code data} and
 * {@code metadata} of a {@code display_data} message. Values are Strings, except {@code application/json}, whose
 * value is a JSON-like Java value (Map, List, String, Number, Boolean, null).
 *
 * <p>Immutable; build one with {@link #builder()}. As the result of a cell, a bundle shows itself.
 */
public final class MimeBundle implements Renderable {
    /** Plain text: what jupyter console and nbconvert --to script show. */
    public static final String TEXT_PLAIN = "text/plain";
    /** HTML: what Notebook, JupyterLab and VS Code show when present. */
    public static final String TEXT_HTML = "text/html";
    /** Markdown source. */
    public static final String TEXT_MARKDOWN = "text/markdown";
    /** LaTeX source, e.g. {@code $x^2$}. */
    public static final String TEXT_LATEX = "text/latex";
    /** A PNG image, Base64-encoded. */
    public static final String IMAGE_PNG = "image/png";
    /** A JPEG image, Base64-encoded. */
    public static final String IMAGE_JPEG = "image/jpeg";
    /** An SVG document as text. */
    public static final String IMAGE_SVG = "image/svg+xml";
    /** A JSON value. */
    public static final String APPLICATION_JSON = "application/json";

    private final Map<String, Object> data;
    private final Map<String, Object> metadata;

    private MimeBundle(Map<String, Object> data, Map<String, Object> metadata) {
        this.data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** A new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A bundle holding only {@code text/plain}. */
    public static MimeBundle text(String text) {
        return builder().text(text).build();
    }

    /** The representations, in insertion order: MIME type to String (or JSON value). */
    public Map<String, Object> data() {
        return data;
    }

    /** Per-MIME-type metadata, e.g. {@code {"image/png": {"width": 280}}}; usually empty. */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** The MIME types this bundle holds. */
    public Set<String> mimeTypes() {
        return data.keySet();
    }

    /** Whether the bundle has a representation of {@code mimeType}. */
    public boolean has(String mimeType) {
        return data.containsKey(mimeType);
    }

    /** The representation of {@code mimeType}, or null. */
    public Object get(String mimeType) {
        return data.get(mimeType);
    }

    /** The {@code text/plain} representation, or null when there is none. */
    public String text() {
        return (String) data.get(TEXT_PLAIN);
    }

    /** The {@code text/html} representation, or null when there is none. */
    public String html() {
        return (String) data.get(TEXT_HTML);
    }

    /**
     * The bundle reduced to the given types, plus {@code text/plain}, which Jupyter requires of every output.
     *
     * @throws IllegalArgumentException when the bundle has none of the given types; the message lists what it has
     */
    public MimeBundle only(List<String> mimeTypes, String what) {
        Builder b = builder();
        boolean any = false;
        for (String m : mimeTypes) {
            if (data.containsKey(m)) {
                b.put(m, data.get(m));
                any = true;
                if (metadata.containsKey(m)) {
                    b.metadata(m, metadata.get(m));
                }
            }
        }
        if (!any) {
            throw new IllegalArgumentException("cannot show " + what + " as " + String.join(", ", mimeTypes)
                    + "; it renders as " + data.keySet());
        }
        if (data.containsKey(TEXT_PLAIN)) {
            b.put(TEXT_PLAIN, data.get(TEXT_PLAIN));
        }
        return b.build();
    }

    /** A builder holding this bundle's content, to add to or replace. */
    public Builder toBuilder() {
        Builder b = builder();
        b.data.putAll(data);
        b.metadata.putAll(metadata);
        return b;
    }

    @Override
    public MimeBundle toBundle(RenderContext context) {
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MimeBundle b && b.data.equals(data) && b.metadata.equals(metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(data, metadata);
    }

    /** The MIME types and sizes, e.g. {@code MimeBundle[text/plain 12 chars, image/png 3401 chars]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("MimeBundle[");
        data.forEach((k, v) -> sb.append(sb.length() > 11 ? ", " : "").append(k)
                .append(v instanceof String s ? " " + s.length() + " chars" : ""));
        return sb.append(']').toString();
    }

    /** Collects representations; later puts of the same type replace earlier ones. */
    public static final class Builder {
        private final Map<String, Object> data = new LinkedHashMap<>();
        private final Map<String, Object> metadata = new LinkedHashMap<>();

        private Builder() {
        }

        /** Adds a representation. */
        public Builder put(String mimeType, Object value) {
            if (mimeType == null || !mimeType.matches("[\\w\\-+.]+/[\\w\\-+.]+")) {
                throw new IllegalArgumentException("not a MIME type: " + mimeType + " (expected type/subtype, e.g. text/html)");
            }
            data.put(mimeType, Objects.requireNonNull(value, "value of " + mimeType));
            return this;
        }

        /** Adds {@code text/plain}. */
        public Builder text(String text) {
            return put(TEXT_PLAIN, text);
        }

        /** Adds {@code text/html}. */
        public Builder html(String html) {
            return put(TEXT_HTML, html);
        }

        /** Adds metadata for one MIME type, e.g. {@code metadata("image/png", Map.of("width", 280))}. */
        public Builder metadata(String mimeType, Object value) {
            metadata.put(mimeType, value);
            return this;
        }

        /** Whether a representation of {@code mimeType} was added. */
        public boolean has(String mimeType) {
            return data.containsKey(mimeType);
        }

        /** The bundle. */
        public MimeBundle build() {
            return new MimeBundle(data, metadata);
        }
    }
}
