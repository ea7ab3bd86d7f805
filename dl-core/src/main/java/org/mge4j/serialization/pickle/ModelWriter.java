package org.mge4j.serialization.pickle;

import static org.mge4j.serialization.pickle.Opcodes.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mge4j.Tensor;
import org.mge4j.module.Module;
import org.mge4j.serialization.SerializationException;

/**
 * Writes a whole {@link Module} the way Python pickles a MegEngine model: the object of its class, then its state.
 * The class is a global (the Java package as the module, the binary simple name as the name, e.g.
 * {@code org.example ConvNet} or {@code REPL $JShell$12$ConvNet}), created with {@code NEWOBJ} and no arguments;
 * {@code BUILD} gives it a dict: {@code "training"} (its train/eval mode), then its own tensors as numpy arrays and
 * its submodules as objects of their own classes, under the keys MegEngine's {@code _flatten} gives one module
 * ({@code weight}, {@code conv1}, {@code layers.0}). Shared tensors and modules are written once (the memo).
 *
 * <pre>
 *   'org.example' 'ConvNet' STACK_GLOBAL  ()  NEWOBJ
 *   { 'training': True,
 *     'conv1': 'org.mge4j.module' 'Conv2d' STACK_GLOBAL () NEWOBJ {'training': True, 'bias': array, 'weight': array} BUILD,
 *     ... } BUILD
 * </pre>
 * Only the state is recorded, not the constructor arguments of built-in layers: loading creates the model with its
 * no-argument constructor (which creates the layers) and then sets the state, so the outermost class is checked
 * here, at save time, for being creatable that way.
 */
final class ModelWriter {
    static final String TRAINING = "training";
    private static final int BATCH = 1000;

    private ModelWriter() {
    }

    /** Writes {@code model}; the outermost model of a nest is checked first (see {@link ModelClasses#checkSavable}). */
    static void save(Pickler p, Module model, int depth) throws IOException {
        if (p.storages != null) {
            throw new SerializationException("cannot save a whole " + model.getClass().getSimpleName() + " in a PyTorch "
                    + ".pt file: torch.load(weights_only=True) refuses classes. Save model.stateDict() to .pt, or the "
                    + "whole model to .pkl");
        }
        if (p.modelPath.isEmpty()) {
            ModelClasses.checkSavable(model);
        }
        String[] global = ModelClasses.global(model.getClass());
        p.global(global[0], global[1]);
        p.op(EMPTY_TUPLE);
        p.op(NEWOBJ);
        p.put(model);
        p.modelPath.add(model);
        try {
            List<Map.Entry<String, Object>> state = new ArrayList<>();
            for (Map.Entry<String, Tensor> e : model.namedTensors(null, false).entrySet()) {
                state.add(Map.entry(e.getKey(), e.getValue()));
            }
            for (Map.Entry<String, Module> e : model.namedChildren().entrySet()) {
                if (p.modelPath.contains(e.getValue())) {
                    throw new SerializationException("cannot save a whole " + model.getClass().getSimpleName() + ": its `"
                            + e.getKey() + "` holds a module that contains it (a cycle). Save the state dict instead: "
                            + "Mge.save(model.stateDict(), path)");
                }
                state.add(Map.entry(e.getKey(), e.getValue()));
            }
            for (Map.Entry<String, Object> e : state) {
                if (e.getKey().equals(TRAINING)) {
                    throw new SerializationException("cannot save a whole " + model.getClass().getSimpleName()
                            + ": its attribute `training` would hide the train/eval mode in the file; rename the field, "
                            + "or save the state dict: Mge.save(model.stateDict(), path)");
                }
            }
            p.op(EMPTY_DICT);
            p.op(MARK);
            p.saveString(TRAINING);
            p.op(model.training() ? NEWTRUE : NEWFALSE);
            int inBatch = 1;
            for (Map.Entry<String, Object> e : state) {
                if (inBatch == BATCH) {
                    p.op(SETITEMS);
                    p.op(MARK);
                    inBatch = 0;
                }
                p.saveString(e.getKey());
                p.save(e.getValue(), depth + 1, e.getKey());
                inBatch++;
            }
            p.op(SETITEMS);
            p.op(BUILD);
        } finally {
            p.modelPath.remove(model);
        }
    }
}
