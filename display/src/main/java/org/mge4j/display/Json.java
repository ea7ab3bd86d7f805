package org.mge4j.display;

/**
 * A JSON value to show as a collapsible tree (JupyterLab, VS Code) and as indented JSON text elsewhere:
 * {@code Json.of(Map.of("lr", 0.01, "epochs", 5))} or {@code Json.parse(Files.readString(path))}.
 *
 * @param value a Map (String keys), List, String, Number, Boolean or null, nested to any depth
 */
public record Json(Object value) implements Renderable {
    /**
     * A JSON value.
     *
     * @throws IllegalArgumentException when some part is not a JSON value (the message names its class)
     */
    public Json {
        JsonText.write(value);     // validates
    }

    /** A JSON value made of Maps, Lists, Strings, Numbers, Booleans and nulls. */
    public static Json of(Object value) {
        return new Json(value);
    }

    /**
     * JSON text read into a value.
     *
     * @throws IllegalArgumentException for text that is not strict JSON, naming the position
     */
    public static Json parse(String text) {
        return new Json(JsonText.parse(text));
    }

    /** The value as indented JSON text. */
    public String text() {
        return JsonText.write(value);
    }

    @Override
    public MimeBundle toBundle(RenderContext context) {
        if (value == null) {
            return MimeBundle.text("null");     // a bundle cannot carry a null representation
        }
        return MimeBundle.builder().put(MimeBundle.APPLICATION_JSON, value)
                .metadata(MimeBundle.APPLICATION_JSON, java.util.Map.of("expanded", true))
                .text(text()).build();
    }
}
