package dev.tl.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;

import java.util.ArrayList;
import java.util.List;

/**
 * Switches DL4J onto its oneDNN layer helpers and checks that it worked.
 *
 * <p>DL4J M2.1 reads {@code org.eclipse.deeplearning4j.helpers.disable} (default "true") in each layer's
 * constructor, so {@link #enable()} must run before any network is built or restored. Without it, and
 * without the {@code org.nd4j.nativeblas.Nd4jCpu} shim and the oneDNN natives, conv/BN/pool run 5-8x
 * slower and nothing is logged; {@link #check(ComputationGraph)} makes that visible.
 */
public final class FastPath {
    public static final String PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

    private FastPath() {}

    public static void enable() {
        if (System.getProperty(PROPERTY) == null || !"false".equals(System.getProperty(PROPERTY))) {
            System.setProperty(PROPERTY, "false");
        }
    }

    /** Counts of helper-capable layers that do and do not run on oneDNN. */
    public record Report(int helperCapable, int onOneDnn, List<String> slowLayers) {
        public boolean allFast() {
            return helperCapable > 0 && slowLayers.isEmpty();
        }

        @Override
        public String toString() {
            return onOneDnn + "/" + helperCapable + " conv/BN/pool layers on oneDNN"
                    + (slowLayers.isEmpty() ? "" : " (slow path: " + String.join(", ", slowLayers.subList(0, Math.min(5, slowLayers.size()))) + (slowLayers.size() > 5 ? ", ..." : "") + ")");
        }
    }

    public static Report check(ComputationGraph graph) {
        int capable = 0, fast = 0;
        List<String> slow = new ArrayList<>();
        for (Layer l : graph.getLayers()) {
            Layer inner = unwrap(l);
            Object helper;
            if (inner.getClass() == ConvolutionLayer.class) { // depthwise/separable have no oneDNN helper
                helper = ((ConvolutionLayer) inner).getHelper();
            } else if (false) {
                helper = null;
            } else if (inner instanceof SubsamplingLayer s) {
                helper = s.getHelper();
            } else if (inner instanceof BatchNormalization b) {
                helper = b.getHelper();
            } else {
                continue;
            }
            capable++;
            if (helper != null && helper.getClass().getSimpleName().startsWith("MKLDNN")) {
                fast++;
            } else {
                slow.add(l.getConfig().getLayerName());
            }
        }
        return new Report(capable, fast, slow);
    }

    private static Layer unwrap(Layer l) {
        if (l instanceof FrozenLayer f) return unwrap(f.getInsideLayer());
        if (l instanceof FrozenLayerWithBackprop f) return unwrap(f.getInsideLayer());
        return l;
    }
}
