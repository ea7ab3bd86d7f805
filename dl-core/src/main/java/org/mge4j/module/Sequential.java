package org.mge4j.module;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mge4j.Tensor;

/**
 * Layers run one after another: MegEngine's {@code Sequential}.
 *
 * <p>Built from layers, they are named {@code "0"}, {@code "1"}, ...; built from a {@link LinkedHashMap}, by its keys.
 * {@code forward} runs them in the order given, but every iterator and the state dict sort the names as strings,
 * exactly as MegEngine: with 11 or more layers the order is {@code 0, 1, 10, 2, ...}. The repr keeps the given order.
 */
public class Sequential extends Module implements Iterable<Module> {
    private final List<String> layerKeys = new ArrayList<>();

    /** Layers named by position. */
    public Sequential(Module... layers) {
        for (int i = 0; i < layers.length; i++) {
            add(String.valueOf(i), layers[i]);
        }
    }

    /** Layers named by the map's keys, run in its iteration order (use a {@link LinkedHashMap}). */
    public Sequential(Map<String, ? extends Module> layers) {
        for (Map.Entry<String, ? extends Module> e : layers.entrySet()) {
            add(e.getKey(), e.getValue());
        }
    }

    private void add(String key, Module layer) {
        if (layer == null) {
            throw new IllegalArgumentException("layer `" + key + "` of a Sequential is null");
        }
        if (layerKeys.contains(key)) {
            throw new IllegalArgumentException("duplicate layer name `" + key + "` in Sequential");
        }
        register(key, layer);
        layerKeys.add(key);
    }

    /** The layer at position {@code index} in run order. */
    public Module get(int index) {
        return (Module) registeredAttribute(layerKeys.get(index));
    }

    /** The layer named {@code key}. */
    public Module get(String key) {
        Module m = (Module) registeredAttribute(key);
        if (m == null) {
            throw new IllegalArgumentException("Sequential has no layer `" + key + "`; its layers are " + layerKeys);
        }
        return m;
    }

    /** Replaces the layer at position {@code index}, keeping its name. */
    public void set(int index, Module layer) {
        if (layer == null) {
            throw new IllegalArgumentException("a Sequential layer cannot be null");
        }
        register(layerKeys.get(index), layer);
    }

    /** The number of layers. */
    public int size() {
        return layerKeys.size();
    }

    /** The layer names in run order. */
    public List<String> layerKeys() {
        return Collections.unmodifiableList(layerKeys);
    }

    /** The layers in run order. */
    public List<Module> layerValues() {
        List<Module> out = new ArrayList<>();
        for (String k : layerKeys) {
            out.add((Module) registeredAttribute(k));
        }
        return Collections.unmodifiableList(out);
    }

    /** Iterates the layers in run order. */
    @Override
    public Iterator<Module> iterator() {
        return layerValues().iterator();
    }

    /** Runs each layer on the previous one's output. */
    @Override
    public Tensor forward(Tensor x) {
        Tensor out = x;
        for (Module layer : layerValues()) {
            out = layer.call(out);
        }
        return out;
    }
}
