package org.mge4j.training;

import org.mge4j.Tensor;
import org.mge4j.functional.F;
import org.mge4j.module.Conv2d;
import org.mge4j.module.Linear;
import org.mge4j.module.MaxPool2d;
import org.mge4j.module.Module;
import org.mge4j.module.ReLU;

/** MegEngine's quick-start LeNet for 32x32 inputs (28x28 images padded by 2). */
public class LeNet extends Module {
    Conv2d conv1 = new Conv2d(1, 6, 5);
    ReLU relu1 = new ReLU();
    MaxPool2d pool1 = new MaxPool2d(2, 2);
    Conv2d conv2 = new Conv2d(6, 16, 5);
    ReLU relu2 = new ReLU();
    MaxPool2d pool2 = new MaxPool2d(2, 2);
    Linear fc1 = new Linear(16 * 5 * 5, 120);
    ReLU relu3 = new ReLU();
    Linear fc2 = new Linear(120, 84);
    ReLU relu4 = new ReLU();
    Linear classifier = new Linear(84, 10);

    @Override
    public Tensor forward(Tensor x) {
        x = pool1.call(relu1.call(conv1.call(x)));
        x = pool2.call(relu2.call(conv2.call(x)));
        x = F.flatten(x, 1);
        x = relu3.call(fc1.call(x));
        x = relu4.call(fc2.call(x));
        return classifier.call(x);
    }
}
