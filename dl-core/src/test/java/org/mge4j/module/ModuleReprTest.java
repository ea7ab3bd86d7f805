package org.mge4j.module;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mge4j.training.ConvNet;

/** Module reprs, character for character as MegEngine prints them. */
class ModuleReprTest {

    /** The ConvModel of MegEngine's repr tests. */
    static class ConvModel extends Module {
        Conv2d conv1 = new Conv2d(3, 128, 3, Conv2d.options().padding(1).bias(false));
        BatchNorm1d bn1 = new BatchNorm1d(128);
        MaxPool2d pooling = new MaxPool2d(2, 2);
        Sequential submodule1 = new Sequential(layers(
                "depthwise", new Conv2d(256, 256, 3, Conv2d.options().groups(256).bias(false)),
                "pointwise", new Conv2d(256, 256, 1)));
        List<Object> list1 = List.of(new Dropout(0.1), List.of(new Softmax(100)));
        Map<String, Module> dict1 = Map.of("Dropout", new Dropout(0.1));
        Linear fc1 = new Linear(512, 1024);
    }

    static Map<String, Module> layers(String k1, Module m1, String k2, Module m2) {
        Map<String, Module> out = new LinkedHashMap<>();
        out.put(k1, m1);
        out.put(k2, m2);
        return out;
    }

    @Test
    void convModelPrintsExactlyAsMegEngine() {
        assertEquals("""
                ConvModel(
                  (conv1): Conv2d(3, 128, kernel_size=(3, 3), padding=(1, 1), bias=False)
                  (bn1): BatchNorm1d(128, eps=1e-05, momentum=0.9, affine=True, track_running_stats=True)
                  (pooling): MaxPool2d(kernel_size=2, stride=2, padding=0)
                  (submodule1): Sequential(
                    (depthwise): Conv2d(256, 256, kernel_size=(3, 3), groups=256, bias=False)
                    (pointwise): Conv2d(256, 256, kernel_size=(1, 1))
                  )
                  (list1.0): Dropout(drop_prob=0.1)
                  (list1.1.0): Softmax(axis=100)
                  (dict1.Dropout): Dropout(drop_prob=0.1)
                  (fc1): Linear(in_features=512, out_features=1024, bias=True)
                )""", new ConvModel().toString());
    }

    @Test
    void theTutorialConvNetListsChildrenInDeclarationOrder() {
        assertEquals("""
                ConvNet(
                  (conv1): Conv2d(1, 10, kernel_size=(5, 5))
                  (pool1): MaxPool2d(kernel_size=2, stride=2, padding=0)
                  (conv2): Conv2d(10, 20, kernel_size=(5, 5))
                  (pool2): MaxPool2d(kernel_size=2, stride=2, padding=0)
                  (fc1): Linear(in_features=320, out_features=50, bias=True)
                  (fc2): Linear(in_features=50, out_features=10, bias=True)
                )""", new ConvNet().toString());
    }

    @Test
    void layersPrintTheirSettingsOnOneLine() {
        assertEquals("Conv2d(1, 10, kernel_size=(5, 5))", new Conv2d(1, 10, 5).toString());
        assertEquals("Conv2d(1, 10, kernel_size=(5, 3), stride=(2, 2), padding=(1, 1), dilation=(2, 2))",
                new Conv2d(1, 10, new int[] {5, 3}, Conv2d.options().stride(2).padding(1).dilation(2)).toString());
        assertEquals("Conv2d(4, 8, kernel_size=(3, 3), stride=(2, 1), groups=2, bias=False)",
                new Conv2d(4, 8, 3, Conv2d.options().stride(2, 1).groups(2).bias(false)).toString());
        assertEquals("Linear(in_features=320, out_features=50, bias=True)", new Linear(320, 50).toString());
        assertEquals("Linear(in_features=3, out_features=2, bias=False)", new Linear(3, 2, false).toString());
        assertEquals("MaxPool2d(kernel_size=2, stride=2, padding=0)", new MaxPool2d(2).toString());
        assertEquals("MaxPool2d(kernel_size=(3, 3), stride=(1, 1), padding=(1, 0))",
                new MaxPool2d(new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 0}).toString());
        assertEquals("AvgPool2d(kernel_size=2, stride=2, padding=0, mode=average_count_exclude_padding)",
                new AvgPool2d(2).toString());
        assertEquals("BatchNorm2d(4, eps=1e-05, momentum=0.9, affine=True, track_running_stats=True)",
                new BatchNorm2d(4).toString());
        assertEquals("BatchNorm2d(4, eps=0.001, momentum=0.99, affine=False, track_running_stats=False)",
                new BatchNorm2d(4, 1e-3, 0.99, false, false, false).toString());
        assertEquals("Dropout(drop_prob=0.0)", new Dropout().toString());
        assertEquals("Softmax(axis=None)", new Softmax().toString());
        assertEquals("ReLU()", new ReLU().toString());
        assertEquals("LeakyReLU()", new LeakyReLU(0.2).toString());
        assertEquals("Identity()", new Identity().toString());
        assertEquals("Flatten(start_axis=1, end_axis=-1)", new Flatten().toString());
        assertEquals("Sequential()", new Sequential().toString());
    }

    static class Holder extends Module {
        Linear a = new Linear(1, 1);
        Module b = new ReLU();
        Linear c = null;
    }

    @Test
    void reassigningKeepsThePositionAndNullRemovesTheChild() {
        Holder h = new Holder();
        h.a = new Linear(2, 2);
        h.b = null;
        h.c = h.a;
        assertEquals("""
                Holder(
                  (a): Linear(in_features=2, out_features=2, bias=True)
                  (c): Linear(in_features=2, out_features=2, bias=True)
                )""", h.toString());
    }

    @Test
    void nestedModulesIndentEachLevel() {
        Sequential inner = new Sequential(new ReLU());
        Sequential outer = new Sequential(inner, new Identity());
        assertEquals("""
                Sequential(
                  (0): Sequential(
                    (0): ReLU()
                  )
                  (1): Identity()
                )""", outer.toString());
    }

    @Test
    void pythonFloatReprMatches() {
        assertEquals("1e-05", PyFormat.floatRepr(1e-5));
        assertEquals("0.0001", PyFormat.floatRepr(1e-4));
        assertEquals("0.9", PyFormat.floatRepr(0.9));
        assertEquals("1.0", PyFormat.floatRepr(1));
        assertEquals("1e+16", PyFormat.floatRepr(1e16));
        assertEquals("123.5", PyFormat.floatRepr(123.5));
        assertEquals("-2.5e-07", PyFormat.floatRepr(-2.5e-7));
    }
}
