package org.mge4j.optimizer;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mge4j.Parameter;
import org.mge4j.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and (L2) weight decay, exactly as
 * MegEngine's {@code SGD}:
 * <pre>
 * g = grad + weight_decay * param            (if weight_decay != 0)
 * v = momentum * v + g                       (if momentum != 0; no dampening)
 * g = nesterov ? g + momentum * v : v
 * param -= lr * g
 * </pre>
 * Groups hold {@code lr}, {@code momentum} and {@code weight_decay}; {@code nesterov} belongs to the optimizer.
 * The state is a {@code momentum_buffer} per parameter when the group's momentum is not 0.
 *
 * <pre>{@code
 * var optimizer = new SGD(model.parameters(), 0.001, 0.1);   // lr, momentum
 * }</pre>
 */
public class SGD extends Optimizer {
    private final boolean nesterov;

    /**
     * SGD over parameter groups that each give their own {@code "lr"}.
     *
     * @throws IllegalArgumentException when a group has no lr
     */
    public SGD(Iterable<?> paramGroups) {
        this(paramGroups, REQUIRED, 0.0, 0.0, false);
    }

    /** Plain SGD with learning rate {@code lr}. */
    public SGD(Iterable<?> params, double lr) {
        this(params, lr, 0.0, 0.0, false);
    }

    /** SGD with momentum: {@code new SGD(model.parameters(), 0.001, 0.1)} is lr 0.001, momentum 0.1. */
    public SGD(Iterable<?> params, double lr, double momentum) {
        this(params, lr, momentum, 0.0, false);
    }

    /** SGD with momentum and weight decay (the quick-start uses lr 0.01, momentum 0.9, weight decay 5e-4). */
    public SGD(Iterable<?> params, double lr, double momentum, double weightDecay) {
        this(params, lr, momentum, weightDecay, false);
    }

    /**
     * SGD with every option.
     *
     * @throws IllegalArgumentException for a negative lr, momentum or weight decay, or nesterov without momentum
     */
    public SGD(Iterable<?> params, double lr, double momentum, double weightDecay, boolean nesterov) {
        this(params, (Object) lr, momentum, weightDecay, nesterov);
    }

    private SGD(Iterable<?> params, Object lr, double momentum, double weightDecay, boolean nesterov) {
        super(params, defaults(lr, momentum, weightDecay, nesterov));
        this.nesterov = nesterov;
    }

    private static Map<String, Object> defaults(Object lr, double momentum, double weightDecay, boolean nesterov) {
        if (lr instanceof Double d && !(d >= 0.0)) {
            throw new IllegalArgumentException("Invalid learning rate: " + d);
        }
        if (!(momentum >= 0.0)) {
            throw new IllegalArgumentException("Invalid momentum value: " + momentum);
        }
        if (!(weightDecay >= 0.0)) {
            throw new IllegalArgumentException("Invalid weight_decay value: " + weightDecay);
        }
        if (nesterov && !(momentum > 0.0)) {
            throw new IllegalArgumentException("Nesterov momentum requires a momentum");
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("lr", lr);
        d.put("momentum", momentum);
        d.put("weight_decay", weightDecay);
        return d;
    }

    /** Whether this optimizer uses Nesterov momentum. */
    public boolean nesterov() {
        return nesterov;
    }

    @Override
    protected void createState(ParamGroup group) {
        if (group.getDouble("momentum") != 0.0) {
            for (Parameter p : group.params()) {
                addState(p, "momentum_buffer", Tensor.zerosLike(p));
            }
        }
    }

    @Override
    protected void updates(ParamGroup group) {
        double lr = group.getDouble("lr");
        double momentum = group.getDouble("momentum");
        double weightDecay = group.getDouble("weight_decay");
        for (Parameter param : group.params()) {
            if (param.grad() == null) {
                continue;
            }
            INDArray p = param.nd();
            INDArray g = param.grad().nd();
            Tensor buf = null;
            if (momentum != 0.0) {
                buf = state(param, "momentum_buffer");
                if (buf == null) {
                    // momentum was 0 when the group was created and has been raised since
                    buf = Tensor.zerosLike(param);
                    addState(param, "momentum_buffer", buf);
                }
            }
            if (FusedUpdate.applies(p, g, buf == null ? null : buf.nd())) {
                param.reset(FusedUpdate.sgd(p, g, buf == null ? null : buf.nd(), lr, momentum, weightDecay, nesterov));
                continue;
            }
            if (weightDecay != 0.0) {
                g = g.add(p.mul(weightDecay));
            }
            if (buf != null) {
                INDArray v = buf.nd();
                v.muli(momentum).addi(g);   // the buffer is the optimizer's own array
                g = nesterov ? g.add(v.mul(momentum)) : v;
            }
            param.reset(p.sub(g.mul(lr)));
        }
    }
}
