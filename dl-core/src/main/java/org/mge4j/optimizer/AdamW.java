package org.mge4j.optimizer;

/**
 * Adam with decoupled weight decay, exactly as MegEngine's {@code AdamW}: the gradient is not decayed; after
 * computing Adam's {@code delta}, {@code delta += weight_decay * param} and {@code param -= lr * delta}.
 * The default weight decay is 1e-2. Groups and state are those of {@link Adam}.
 */
public class AdamW extends Adam {
    /** AdamW with betas (0.9, 0.999), eps 1e-8 and weight decay 1e-2. */
    public AdamW(Iterable<?> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 1e-2);
    }

    /**
     * AdamW with every option.
     *
     * @throws IllegalArgumentException for a negative lr or weight decay, or a beta outside [0, 1)
     */
    public AdamW(Iterable<?> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(params, lr, beta1, beta2, eps, weightDecay, true);
    }
}
