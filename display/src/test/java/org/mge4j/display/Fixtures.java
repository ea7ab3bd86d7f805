package org.mge4j.display;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mge4j.DType;
import org.mge4j.Tensor;
import org.mge4j.functional.F;
import org.mge4j.module.BatchNorm2d;
import org.mge4j.module.Conv2d;
import org.mge4j.module.Dropout;
import org.mge4j.module.Linear;
import org.mge4j.module.MaxPool2d;
import org.mge4j.module.Module;
import org.mge4j.module.Sequential;
import org.mge4j.module.ReLU;

/** Models and maps the display tests draw. */
final class Fixtures {
    private Fixtures() {
    }

    /** The serialization guide's ConvNet (fields in declaration order, as the tutorial writes them). */
    static final class ConvNet extends Module {
        Conv2d conv1 = new Conv2d(1, 10, 5);
        MaxPool2d pool1 = new MaxPool2d(2, 2);
        Conv2d conv2 = new Conv2d(10, 20, 5);
        MaxPool2d pool2 = new MaxPool2d(2, 2);
        Linear fc1 = new Linear(320, 50);
        Linear fc2 = new Linear(50, 10);

        @Override
        public Tensor forward(Tensor x) {
            x = pool1.call(F.relu(conv1.call(x)));
            x = pool2.call(F.relu(conv2.call(x)));
            x = F.flatten(x, 1);
            x = F.relu(fc1.call(x));
            return F.relu(fc2.call(x));
        }
    }

    /** A model with a nested Sequential, BatchNorm buffers, dropout and an unused layer. */
    static final class Nested extends Module {
        Sequential features = new Sequential(new Conv2d(1, 4, 3), new BatchNorm2d(4), new ReLU());
        Dropout drop = new Dropout(0.5);
        Linear head = new Linear(4 * 6 * 6, 3);
        Linear unused = new Linear(2, 2);

        @Override
        public Tensor forward(Tensor x) {
            return head.call(drop.call(F.flatten(features.call(x), 1)));
        }
    }

    /** A state dict with fixed values: arange-based, so outputs are the same in every run. */
    static Map<String, Tensor> smallStateDict() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("conv1.weight", Tensor.arange(250).reshape(10, 1, 5, 5).div(250));
        m.put("conv1.bias", Tensor.zeros(1, 10, 1, 1));
        m.put("fc.weight", Tensor.arange(30).reshape(3, 10));
        m.put("fc.bias", Tensor.ones(3));
        m.put("step", Tensor.scalar(7, DType.INT32));
        return m;
    }
}
