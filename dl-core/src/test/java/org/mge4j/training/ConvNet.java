package org.mge4j.training;

import org.mge4j.Tensor;
import org.mge4j.functional.F;
import org.mge4j.module.Conv2d;
import org.mge4j.module.Linear;
import org.mge4j.module.MaxPool2d;
import org.mge4j.module.Module;

/** The serialization guide's ConvNet, exactly as a notebook user types it (DESIGN.md §2). */
public class ConvNet extends Module {
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
