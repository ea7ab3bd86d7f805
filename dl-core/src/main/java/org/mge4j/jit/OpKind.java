package org.mge4j.jit;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The closed set of ops a traced graph may hold, with the code each has in a {@code .mge} file (stable across
 * versions: never reuse or renumber one), how many inputs it takes, and its attributes. An op a trace meets that is
 * not here has no graph form: replaying or dumping such a trace fails with "not traceable yet" instead of making a
 * wrong graph.
 */
enum OpKind {
    CONV2D(1, "conv2d", 2, 3, "stride:ints", "padding:ints", "dilation:ints", "?nonlinearity:string"),
    LINEAR(2, "linear", 2, 3, "?nonlinearity:string"),
    MATMUL(3, "matmul", 2, 2, "transpose_a:bool", "transpose_b:bool"),
    ADD(4, "add", 2, 2),
    SUB(5, "sub", 2, 2),
    MUL(6, "mul", 2, 2),
    DIV(7, "div", 2, 2),
    POW(8, "pow", 2, 2),
    MAXIMUM(9, "maximum", 2, 2),
    MINIMUM(10, "minimum", 2, 2),
    NEG(11, "neg", 1, 1),
    EXP(12, "exp", 1, 1),
    LOG(13, "log", 1, 1),
    SQRT(14, "sqrt", 1, 1),
    ABS(15, "abs", 1, 1),
    RELU(16, "relu", 1, 1),
    SIGMOID(17, "sigmoid", 1, 1),
    TANH(18, "tanh", 1, 1),
    LEAKY_RELU(19, "leaky_relu", 1, 1, "negative_slope:float"),
    SOFTMAX(20, "softmax", 1, 1, "axis:int"),
    LOG_SOFTMAX(21, "log_softmax", 1, 1, "axis:int"),
    MAX_POOL2D(22, "max_pool2d", 1, 1, "kernel:ints", "stride:ints", "padding:ints"),
    AVG_POOL2D(23, "avg_pool2d", 1, 1, "kernel:ints", "stride:ints", "padding:ints", "mode:string"),
    BATCH_NORM(24, "batch_norm", 3, 3, "training:bool", "eps:float", "momentum:float"),
    RESHAPE(25, "reshape", 1, 1, "shape:ints"),
    FLATTEN(26, "flatten", 1, 1, "start_axis:int", "end_axis:int"),
    TRANSPOSE(27, "transpose", 1, 1, "pattern:ints"),
    CONCAT(28, "concat", 1, 64, "axis:int"),
    SUM(29, "sum", 1, 1, "axes:ints", "keepdims:bool"),
    MEAN(30, "mean", 1, 1, "axes:ints", "keepdims:bool"),
    MAX(31, "max", 1, 1, "axes:ints", "keepdims:bool"),
    MIN(32, "min", 1, 1, "axes:ints", "keepdims:bool"),
    DROPOUT(33, "dropout", 1, 1, "drop_prob:float", "training:bool"),
    IDENTITY(34, "identity", 1, 1);

    /** An attribute's name, value type ("int", "float", "bool", "string", "ints") and whether it must be present. */
    record Attr(String name, String type, boolean required) {
    }

    private static final Map<Integer, OpKind> BY_CODE = new HashMap<>();
    private static final Map<String, OpKind> BY_NAME = new HashMap<>();

    static {
        for (OpKind k : values()) {
            BY_CODE.put(k.code, k);
            BY_NAME.put(k.opName, k);
        }
        // eager ops that are identities in a graph
        BY_NAME.put("copy", IDENTITY);
        BY_NAME.put("detach", IDENTITY);
    }

    final int code;
    final String opName;
    final int minInputs;
    final int maxInputs;
    final Map<String, Attr> attrs = new LinkedHashMap<>();

    OpKind(int code, String opName, int minInputs, int maxInputs, String... attrSpecs) {
        this.code = code;
        this.opName = opName;
        this.minInputs = minInputs;
        this.maxInputs = maxInputs;
        for (String spec : attrSpecs) {
            boolean optional = spec.startsWith("?");
            String[] parts = (optional ? spec.substring(1) : spec).split(":");
            attrs.put(parts[0], new Attr(parts[0], parts[1], !optional));
        }
    }

    /** The kind for an eager op name ({@code "conv2d"}, {@code "copy"}, ...), or null when it has no graph form. */
    static OpKind byName(String name) {
        return BY_NAME.get(name);
    }

    /** The kind with a file code, or null. */
    static OpKind byCode(int code) {
        return BY_CODE.get(code);
    }

    /** The name MegEngine gives an op's output var when nothing names it: {@code ADD}, {@code SOFTMAX}. */
    String autoName() {
        return opName.toUpperCase(java.util.Locale.ROOT);
    }

    /**
     * Null when {@code values} fit this kind (known names, right types, required ones present, sane values), else
     * what is wrong: used on traced attributes and on every op read from a file.
     */
    String checkAttributes(Map<String, Object> values) {
        for (Map.Entry<String, Object> e : values.entrySet()) {
            Attr a = attrs.get(e.getKey());
            if (a == null) {
                return "unknown attribute '" + e.getKey() + "'";
            }
            if (!fits(a.type, e.getValue())) {
                return "attribute '" + e.getKey() + "' must be of type " + a.type;
            }
        }
        for (Attr a : attrs.values()) {
            if (a.required && !values.containsKey(a.name)) {
                return "attribute '" + a.name + "' is missing";
            }
        }
        return switch (this) {
            case CONV2D -> pairs(values, 1, "stride", "dilation") != null ? pairs(values, 1, "stride", "dilation")
                    : pairs(values, 0, "padding");
            case MAX_POOL2D, AVG_POOL2D -> pairs(values, 1, "kernel", "stride") != null ? pairs(values, 1, "kernel", "stride")
                    : pairs(values, 0, "padding");
            case RESHAPE -> ((long[]) values.get("shape")).length > 8 ? "reshape to more than 8 dimensions" : null;
            default -> null;
        };
    }

    private static String pairs(Map<String, Object> values, long min, String... names) {
        for (String n : names) {
            long[] v = (long[]) values.get(n);
            if (v.length != 2 || v[0] < min || v[1] < min || v[0] > 4096 || v[1] > 4096) {
                return "attribute '" + n + "' must be two integers in [" + min + ", 4096]";
            }
        }
        return null;
    }

    private static boolean fits(String type, Object v) {
        return switch (type) {
            case "int" -> v instanceof Long;
            case "float" -> v instanceof Double;
            case "bool" -> v instanceof Boolean;
            case "string" -> v instanceof String;
            case "ints" -> v instanceof long[];
            default -> false;
        };
    }
}
