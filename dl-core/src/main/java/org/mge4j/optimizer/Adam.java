package org.mge4j.optimizer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mge4j.DType;
import org.mge4j.Parameter;
import org.mge4j.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam with coupled L2 weight decay, exactly as MegEngine's {@code Adam}:
 * <pre>
 * g = grad + weight_decay * param
 * step += 1;  m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g*g
 * delta = (m / (1 - b1^step)) / (sqrt(v / (1 - b2^step)) + eps)
 * param -= lr * delta
 * </pre>
 * Groups hold {@code lr}, {@code weight_decay}, {@code betas} (a list of two numbers) and {@code eps}; the state
 * per parameter is {@code exp_avg}, {@code exp_avg_sq} and {@code step} (a 0-d float32 tensor).
 * For decoupled weight decay use {@link AdamW}.
 */
public class Adam extends Optimizer {
    private final boolean decoupled;

    /** Adam with betas (0.9, 0.999), eps 1e-8 and no weight decay. */
    public Adam(Iterable<?> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0.0);
    }

    /**
     * Adam with every option.
     *
     * @throws IllegalArgumentException for a negative lr or weight decay, or a beta outside [0, 1)
     */
    public Adam(Iterable<?> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        this(params, lr, beta1, beta2, eps, weightDecay, false);
    }

    /** For {@link AdamW}: {@code decoupled} applies weight decay to the update instead of the gradient. */
    Adam(Iterable<?> params, double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        super(params, defaults(lr, beta1, beta2, eps, weightDecay));
        this.decoupled = decoupled;
    }

    private static Map<String, Object> defaults(double lr, double beta1, double beta2, double eps, double weightDecay) {
        if (!(lr >= 0.0)) {
            throw new IllegalArgumentException("Invalid learning rate: " + lr);
        }
        if (!(weightDecay >= 0.0)) {
            throw new IllegalArgumentException("Invalid weight_decay value: " + weightDecay);
        }
        if (!(beta1 >= 0.0 && beta1 < 1.0)) {
            throw new IllegalArgumentException("Invalid beta parameter at index 0: " + beta1);
        }
        if (!(beta2 >= 0.0 && beta2 < 1.0)) {
            throw new IllegalArgumentException("Invalid beta parameter at index 1: " + beta2);
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("lr", lr);
        d.put("weight_decay", weightDecay);
        d.put("betas", List.of(beta1, beta2));
        d.put("eps", eps);
        return d;
    }

    @Override
    protected void createState(ParamGroup group) {
        for (Parameter p : group.params()) {
            addState(p, "exp_avg", Tensor.zerosLike(p));
            addState(p, "exp_avg_sq", Tensor.zerosLike(p));
            addState(p, "step", Tensor.scalar(0.0, DType.FLOAT32));
        }
    }

    @Override
    protected void updates(ParamGroup group) {
        double lr = group.getDouble("lr");
        double weightDecay = group.getDouble("weight_decay");
        double eps = group.getDouble("eps");
        double[] betas = pair(group, "betas");
        double b1 = betas[0];
        double b2 = betas[1];
        for (Parameter param : group.params()) {
            if (param.grad() == null) {
                continue;
            }
            INDArray p = param.nd();
            INDArray g = param.grad().nd();
            if (weightDecay != 0.0 && !decoupled) {
                g = g.add(p.mul(weightDecay));
            }
            INDArray step = state(param, "step").nd();
            step.addi(1.0);
            double t = step.getDouble(0);
            INDArray m = state(param, "exp_avg").nd();
            INDArray v = state(param, "exp_avg_sq").nd();
            m.muli(b1).addi(g.mul(1.0 - b1));
            v.muli(b2).addi(g.mul(g).muli(1.0 - b2));
            double bias1 = 1.0 - Math.pow(b1, t);
            double bias2 = 1.0 - Math.pow(b2, t);
            INDArray delta = m.div(bias1).divi(Transforms.sqrt(v.div(bias2), false).addi(eps));
            if (weightDecay != 0.0 && decoupled) {
                delta.addi(p.mul(weightDecay));
            }
            param.reset(p.sub(delta.muli(lr)));
        }
    }
}
