package dev.tl.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An inference-only copy of the part of a graph that computes one vertex, for the frozen pass that runs
 * once per image: every BatchNormalization that directly follows a convolution is folded into it
 * ({@code W' = W * s}, {@code b' = b * s + t} with the BN's running-statistics scale {@code s} and shift
 * {@code t}), and an activation layer that directly follows a convolution becomes the convolution's own
 * activation. Same maths, float rounding aside; ResNet50 loses its 53 BatchNorm passes and
 * 33 of its 49 ReLU layers (the other 16 follow an add).
 *
 * <p>Why not fuse the ReLU into the BatchNormalization instead: DL4J 1.0.0-M2.1's BatchNormalization layer
 * ignores its configured activation (neither its own path nor the oneDNN helper applies it), so that fusion
 * silently drops the ReLU. {@link ConvolutionLayer} does apply its activation.
 *
 * <p>The copy has no BatchNorm to train and different parameters, so it is never trained, saved or
 * returned to users; the graph it came from is untouched. The requested output vertex is always kept
 * under its name.
 */
public final class InferenceGraph {
    private InferenceGraph() {}

    /** The folded graph and what was folded. */
    public record Folded(ComputationGraph graph, String output, int foldedBatchNorms, int fusedActivations) {
    }

    /** The part of {@code full} upstream of {@code output} (inclusive), folded; {@code output} is its only output. */
    public static Folded of(ComputationGraph full, String output) {
        ComputationGraphConfiguration conf = GraphSurgery.cloneConfiguration(full.getConfiguration());
        if (conf.getNetworkInputs().contains(output)) throw new IllegalArgumentException(output + " is a network input");
        if (!conf.getVertices().containsKey(output)) throw new IllegalArgumentException("vertex '" + output + "' is not in the graph");
        Map<String, List<String>> inputs = new LinkedHashMap<>();
        Set<String> keep = new HashSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>(List.of(output));
        while (!todo.isEmpty()) {
            String v = todo.pop();
            if (!keep.add(v) || conf.getNetworkInputs().contains(v)) continue;
            List<String> ins = conf.getVertexInputs().getOrDefault(v, List.of());
            inputs.put(v, new ArrayList<>(ins));
            todo.addAll(ins);
        }
        Map<String, List<String>> consumers = new HashMap<>();
        inputs.forEach((v, ins) -> ins.forEach(i -> consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(v)));

        Map<String, String> bnOf = new HashMap<>(); // conv -> the BatchNorm folded into it
        Set<String> removed = new HashSet<>();
        int fusedActivations = 0;
        List<String> topo = new ArrayList<>();
        for (int i : full.topologicalSortOrder()) topo.add(full.getVertices()[i].getVertexName());
        for (String v : topo) {
            if (!inputs.containsKey(v) || v.equals(output)) continue;
            List<String> ins = inputs.get(v);
            if (!(conf.getVertices().get(v) instanceof LayerVertex lv) || lv.getPreProcessor() != null || ins.size() != 1) continue;
            String c = ins.get(0);
            if (c.equals(output) || !(conf.getVertices().get(c) instanceof LayerVertex cv)
                    || cv.getLayerConf().getLayer().getClass() != ConvolutionLayer.class
                    || !(((ConvolutionLayer) cv.getLayerConf().getLayer()).getActivationFn() instanceof ActivationIdentity)
                    || !consumers.getOrDefault(c, List.of()).equals(List.of(v))) {
                continue;
            }
            ConvolutionLayer conv = (ConvolutionLayer) cv.getLayerConf().getLayer();
            var layer = lv.getLayerConf().getLayer();
            if (layer.getClass() == BatchNormalization.class && !((BatchNormalization) layer).isLockGammaBeta() && !bnOf.containsKey(c)) {
                bnOf.put(c, v);
                conv.setHasBias(true);
            } else if (layer.getClass() == ActivationLayer.class) {
                conv.setActivationFn(((ActivationLayer) layer).getActivationFn());
                fusedActivations++;
            } else {
                continue;
            }
            // v disappears: its consumers read c instead
            removed.add(v);
            List<String> outs = consumers.getOrDefault(v, List.of());
            for (String o : outs) inputs.get(o).replaceAll(i -> i.equals(v) ? c : i);
            consumers.put(c, new ArrayList<>(outs));
        }

        Map<String, GraphVertex> vertices = new LinkedHashMap<>();
        Map<String, List<String>> vertexInputs = new LinkedHashMap<>();
        for (var e : conf.getVertices().entrySet()) {
            if (inputs.containsKey(e.getKey()) && !removed.contains(e.getKey())) {
                vertices.put(e.getKey(), e.getValue());
                vertexInputs.put(e.getKey(), inputs.get(e.getKey()));
            }
        }
        conf.setVertices(vertices);
        conf.setVertexInputs(vertexInputs);
        conf.setNetworkOutputs(new ArrayList<>(List.of(output)));
        conf.setTopologicalOrder(null);
        conf.setTopologicalOrderStr(null);
        long numParams = 0;
        for (GraphVertex gv : vertices.values()) numParams += gv.numParams(true);
        ComputationGraph g = new ComputationGraph(conf);
        // a zero parameter vector instead of random initialisation: every parameter is set below
        g.init(numParams == 0 ? null : Nd4j.zeros(conf.getDataType(), 1, numParams), false);

        for (org.deeplearning4j.nn.api.Layer l : g.getLayers()) {
            String name = l.conf().getLayer().getLayerName();
            if (l.numParams() == 0) continue;
            org.deeplearning4j.nn.api.Layer src = full.getLayer(name);
            String bn = bnOf.get(name);
            if (bn == null) {
                l.setParams(src.params().dup());
                continue;
            }
            BatchNormalization bnConf = (BatchNormalization) ((LayerVertex) full.getConfiguration().getVertices().get(bn)).getLayerConf().getLayer();
            double[][] st = FrozenBatchNorm.scaleShift(full.getLayer(bn).paramTable(), bnConf.getEps(), bnConf.isUseLogStd());
            double[] s = st[0];
            double[] t = st[1];
            INDArray w = src.getParam("W");
            float[] wd = w.dup('c').data().asFloat();
            int per = wd.length / s.length;
            for (int o = 0; o < s.length; o++) {
                for (int k = o * per; k < (o + 1) * per; k++) wd[k] = (float) (wd[k] * s[o]);
            }
            float[] bd = new float[s.length];
            INDArray b = src.getParam("b");
            float[] b0 = b == null ? new float[s.length] : b.dup('c').data().asFloat();
            for (int o = 0; o < s.length; o++) bd[o] = (float) (b0[o] * s[o] + t[o]);
            l.setParam("W", Nd4j.create(wd, w.shape(), 'c').castTo(w.dataType()));
            l.setParam("b", Nd4j.create(bd, l.getParam("b").shape(), 'c').castTo(l.getParam("b").dataType()));
        }
        return new Folded(g, output, bnOf.size(), fusedActivations);
    }

    /** Runs the folded graph on a batch. */
    public static INDArray output(Folded f, INDArray x) {
        return f.graph().output(List.of(f.output()), false, new INDArray[]{x}, null)[0];
    }
}
