package dev.tl.model;

import dev.tl.backbone.BackboneSpec;
import dev.tl.backbone.StageMap;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.learning.regularization.WeightDecay;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The one place where graphs are cut and sewn. Everything that knows about DL4J vertex plumbing lives
 * here, so strategies speak only of stages.
 *
 * <p>Training never runs the frozen part of the network: {@link #tail} cuts the graph at the boundary in
 * front of the first trainable stage; the part upstream is run once per image (and per augmented view)
 * and cached, and only the tail is fitted. Because phases unfreeze from the top down, each phase's tail
 * contains every earlier phase's tail, so its parameters are all that ever changed.
 */
public final class GraphSurgery {
    public static final String HEAD_OUT = "head_out";
    public static final String HEAD_PREFIX = "head_";
    /** The {@link GradientTap} vertex of a {@link #differentiable} graph. */
    public static final String GRADIENT_TAP = "tl_gradient_tap";

    private GraphSurgery() {}

    /**
     * Removes the backbone's original top and attaches {@code head} for {@code numClasses} classes at the
     * feature vertex. Backbone parameters are kept as they are; head weights are Xavier-initialized from
     * {@code seed}.
     */
    public static ComputationGraph attachHead(ComputationGraph pretrained, BackboneSpec spec, HeadSpec head, int numClasses, long seed) {
        return attachHead(pretrained, spec, head, numClasses, seed, null);
    }

    /**
     * As above, with per-class weights on the cross-entropy loss (null: all 1), e.g. to counter class
     * imbalance. The weights live in the output layer's loss function, so they travel with the tail.
     */
    public static ComputationGraph attachHead(ComputationGraph pretrained, BackboneSpec spec, HeadSpec head, int numClasses, long seed,
                                              float[] classWeights) {
        if (classWeights != null && classWeights.length != numClasses) {
            throw new IllegalArgumentException(classWeights.length + " class weights for " + numClasses + " classes");
        }
        if (numClasses < 2) throw new IllegalArgumentException("need at least 2 classes, got " + numClasses);
        long[] featShape = featureShape(pretrained, spec);
        TransferLearning.GraphBuilder b = new TransferLearning.GraphBuilder(pretrained)
                .fineTuneConfiguration(new FineTuneConfiguration.Builder().seed(seed).updater(new Sgd(0.0)).build());
        for (String top : spec.topVertices()) {
            b.removeVertexAndConnections(top);
        }
        String prev = spec.featureVertex();
        long nIn = 1;
        for (int i = 1; i < featShape.length; i++) nIn *= featShape[i];
        boolean first = true;
        int i = 0;
        for (int h : head.hidden()) {
            i++;
            String name = HEAD_PREFIX + "fc" + i;
            DenseLayer dense = new DenseLayer.Builder().nIn(nIn).nOut(h).activation(Activation.RELU).weightInit(WeightInit.RELU).build();
            addHeadLayer(b, name, dense, prev, first ? featShape : null);
            first = false;
            prev = name;
            nIn = h;
            if (head.dropout() > 0) {
                String d = HEAD_PREFIX + "dropout" + i;
                // DL4J's dropOut(p) takes the probability of *retaining* an activation.
                b.addLayer(d, new DropoutLayer.Builder(1.0 - head.dropout()).build(), prev);
                prev = d;
            }
        }
        OutputLayer.Builder outBuilder = classWeights == null
                ? new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                : new OutputLayer.Builder(new org.nd4j.linalg.lossfunctions.impl.LossMCXENT(Nd4j.create(classWeights)));
        OutputLayer out = outBuilder.nIn(nIn).nOut(numClasses)
                .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build();
        addHeadLayer(b, HEAD_OUT, out, prev, first ? featShape : null);
        b.setOutputs(HEAD_OUT);
        ComputationGraph g = b.build();
        return g;
    }

    private static void addHeadLayer(TransferLearning.GraphBuilder b, String name, Layer layer, String input, long[] featShape) {
        if (featShape != null && featShape.length == 4) {
            // A spatial feature map (e.g. VGG16 block5_pool) is flattened in the graph's own layout.
            b.addLayer(name, layer, new CnnToFeedForwardPreProcessor(featShape[1], featShape[2], featShape[3], CNN2DFormat.NHWC), input);
        } else {
            b.addLayer(name, layer, input);
        }
    }

    /**
     * Output shape of the feature vertex for one image. When the spec states the feature size and the feature
     * vertex is a global pooling layer that collapses the spatial dimensions (every registered backbone), it is
     * {@code [1, featureSize]} without running anything (the probe costs a forward pass of the whole backbone,
     * e.g. 0.3 s for ResNet50); otherwise it is probed with one zero image.
     */
    public static long[] featureShape(ComputationGraph g, BackboneSpec spec) {
        if (spec.featureSize() > 0 && collapsesToVector(g, spec.featureVertex())) return new long[]{1, spec.featureSize()};
        return probeFeatureShape(g, spec);
    }

    static boolean collapsesToVector(ComputationGraph g, String vertex) {
        return g.getConfiguration().getVertices().get(vertex) instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv
                && lv.getLayerConf() != null
                && lv.getLayerConf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer gp
                && gp.isCollapseDimensions();
    }

    /** Output shape of the feature vertex for one image, by a forward pass of a zero image. */
    static long[] probeFeatureShape(ComputationGraph g, BackboneSpec spec) {
        INDArray x = Nd4j.zeros(DataType.FLOAT, spec.preprocessing().batchShape(1));
        INDArray[] out = g.output(List.of(spec.featureVertex()), false, new INDArray[]{x}, null);
        if (out[0].rank() == 4 && !spec.preprocessing().channelsLast()) {
            throw new IllegalStateException(spec.name() + ": NCHW spatial features are not supported as a head input");
        }
        return out[0].shape();
    }

    /**
     * The vertex whose output feeds the first vertex of stage {@code trainableFrom}, i.e. the cut point in
     * front of the trainable part. Returns the network input when everything trains.
     */
    public static String boundary(ComputationGraph full, StageMap stages, String trainableFrom) {
        ComputationGraphConfiguration conf = full.getConfiguration();
        int from = stages.index(trainableFrom);
        Set<String> trainable = trainableVertices(full, stages, trainableFrom);
        Set<String> cut = new HashSet<>();
        for (String v : trainable) {
            for (String in : conf.getVertexInputs().getOrDefault(v, List.of())) {
                if (!trainable.contains(in)) cut.add(in);
            }
        }
        if (cut.size() != 1) {
            throw new IllegalStateException("stage '" + trainableFrom + "' (index " + from + ") is not fed by a single vertex: " + cut);
        }
        return cut.iterator().next();
    }

    public static Set<String> trainableVertices(ComputationGraph full, StageMap stages, String trainableFrom) {
        int from = stages.index(trainableFrom);
        Set<String> out = new HashSet<>();
        for (String v : full.getConfiguration().getTopologicalOrderStr()) {
            if (full.getConfiguration().getNetworkInputs().contains(v)) continue;
            if (stages.index(stages.stageOf(v)) >= from) out.add(v);
        }
        return out;
    }

    /** How a tail's layers are trained. */
    public record TrainSettings(Function<Double, IUpdater> optimizer, double headLr, Map<String, Double> stageLr,
                                boolean freezeBatchNorm, double weightDecay) {
    }

    /**
     * The trainable part of {@code full}, from {@code boundary} (exclusive) to the output, as its own graph
     * whose input is the boundary's activation. Parameters are copied in; each layer gets the updater of its
     * stage (discriminative learning rates); BatchNorm layers are wrapped to keep running statistics and
     * fixed scale/shift when {@code freezeBatchNorm}. With {@code boundary} equal to the network input, the
     * whole graph is the tail.
     */
    public static ComputationGraph tail(ComputationGraph full, StageMap stages, String boundary, TrainSettings settings) {
        ComputationGraphConfiguration conf = cut(full, boundary);
        Map<String, GraphVertex> vertices = conf.getVertices();
        for (var e : vertices.entrySet()) {
            if (!(e.getValue() instanceof LayerVertex lv)) continue;
            NeuralNetConfiguration nnc = lv.getLayerConf();
            Layer layer = nnc.getLayer();
            String stage = stages.stageOf(e.getKey());
            double lr = settings.stageLr().getOrDefault(stage, settings.headLr());
            if (layer instanceof BatchNormalization bn && settings.freezeBatchNorm()) {
                nnc.setLayer(folded(full, e.getKey(), bn));
            } else if (layer instanceof BaseLayer bl) {
                bl.setIUpdater(settings.optimizer().apply(lr));
                bl.setBiasUpdater(null);
                if (settings.weightDecay() > 0) {
                    bl.setRegularization(new ArrayList<>(List.of(new WeightDecay(settings.weightDecay(), true))));
                } else {
                    bl.setRegularization(new ArrayList<>());
                }
                bl.setRegularizationBias(new ArrayList<>());
            }
        }
        ComputationGraph tail = new ComputationGraph(conf);
        tail.init();
        copyParams(full, tail);
        return tail;
    }

    /**
     * The part of {@code full} downstream of {@code boundary} (exclusive) as a configuration of its own whose
     * input is the boundary's activation; the whole configuration when {@code boundary} is the network input.
     * A clone: changing its layers does not touch {@code full}.
     */
    private static ComputationGraphConfiguration cut(ComputationGraph full, String boundary) {
        ComputationGraphConfiguration conf = cloneConfiguration(full.getConfiguration());
        boolean whole = conf.getNetworkInputs().contains(boundary);
        Set<String> keep = whole ? new HashSet<>(conf.getVertices().keySet()) : StageMap.descendants(conf, boundary);
        Map<String, GraphVertex> vertices = new LinkedHashMap<>();
        Map<String, List<String>> inputs = new LinkedHashMap<>();
        for (var e : conf.getVertices().entrySet()) {
            if (keep.contains(e.getKey())) {
                vertices.put(e.getKey(), e.getValue());
                inputs.put(e.getKey(), new ArrayList<>(conf.getVertexInputs().getOrDefault(e.getKey(), List.of())));
            }
        }
        if (!whole) {
            for (var e : inputs.entrySet()) {
                for (String in : e.getValue()) {
                    if (!keep.contains(in) && !in.equals(boundary)) {
                        throw new IllegalStateException("vertex " + e.getKey() + " needs " + in + ", which is upstream of the cut at " + boundary);
                    }
                }
            }
            conf.setNetworkInputs(new ArrayList<>(List.of(boundary)));
        }
        conf.setVertices(vertices);
        conf.setVertexInputs(inputs);
        conf.setTopologicalOrder(null);
        conf.setTopologicalOrderStr(null);
        conf.setIterationCount(0);
        conf.setEpochCount(0);
        return conf;
    }

    /**
     * A copy of {@code full} from {@code boundary} to the output that differentiates the model as it
     * predicts, for gradients with respect to its input (saliency, Grad-CAM, class dreams, adversarial
     * attacks). Three things differ from a training tail, each because DL4J's training pass is not the
     * inference function: BatchNorm is folded to its running statistics (DL4J's BatchNorm backpropagates
     * only through batch statistics), dropout is removed, and the softmax is moved into the loss
     * ({@link ClassObjective}), so that the objective can be the class logit as well as its log-probability.
     * The gradient with respect to the input is read from a
     * {@link GradientTap} inserted right after it ({@link #GRADIENT_TAP}). Parameters are copied in; nothing here is ever trained or saved.
     */
    public static ComputationGraph differentiable(ComputationGraph full, String boundary, ClassObjective objective) {
        ComputationGraphConfiguration conf = cut(full, boundary);
        for (var e : conf.getVertices().entrySet()) {
            if (!(e.getValue() instanceof LayerVertex lv)) continue;
            NeuralNetConfiguration nnc = lv.getLayerConf();
            Layer layer = nnc.getLayer();
            if (layer instanceof org.deeplearning4j.nn.conf.layers.misc.FrozenLayer f) layer = f.getLayer();
            if (layer instanceof org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop f) layer = f.getUnderlying();
            if (layer instanceof BatchNormalization bn) {
                layer = folded(full, e.getKey(), bn);
            } else if (layer instanceof DropoutLayer d) {
                layer = new org.deeplearning4j.nn.conf.layers.ActivationLayer.Builder().activation(Activation.IDENTITY).name(d.getLayerName()).build();
            } else if (layer instanceof OutputLayer out) {
                if (!(out.getActivationFn() instanceof org.nd4j.linalg.activations.impl.ActivationSoftmax)) {
                    throw new IllegalArgumentException("output layer " + e.getKey() + " is not softmax: " + out.getActivationFn());
                }
                out.setActivationFn(Activation.IDENTITY.getActivationFunction());
                out.setLossFn(objective);
            }
            if (layer instanceof BaseLayer bl) {
                bl.setIUpdater(new org.nd4j.linalg.learning.config.NoOp());
                bl.setBiasUpdater(null);
                bl.setRegularization(new ArrayList<>());
                bl.setRegularizationBias(new ArrayList<>());
            }
            layer.setIDropout(null);
            nnc.setLayer(layer);
        }
        // The gradient with respect to the input is taken by an identity layer right after it (see GradientTap).
        String in = conf.getNetworkInputs().get(0);
        for (List<String> ins : conf.getVertexInputs().values()) ins.replaceAll(v -> v.equals(in) ? GRADIENT_TAP : v);
        LayerVertex any = (LayerVertex) conf.getVertices().values().stream().filter(v -> v instanceof LayerVertex).findFirst().orElseThrow();
        NeuralNetConfiguration tapConf = any.getLayerConf().clone();
        tapConf.setLayer(new GradientTap(GRADIENT_TAP));
        conf.getVertices().put(GRADIENT_TAP, new LayerVertex(tapConf, null));
        conf.getVertexInputs().put(GRADIENT_TAP, new ArrayList<>(List.of(in)));
        conf.setTopologicalOrder(null);
        conf.setTopologicalOrderStr(null);
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        copyParams(full, g);
        return g;
    }

    /**
     * {@code g} with its softmax classifier as a DL4J {@code OutputLayer}, which input gradients need (they
     * start from a loss). Keras imports end in a softmax {@code DenseLayer}, or in a linear Dense followed by
     * an {@code ActivationLayer(softmax)}; both become one output layer with the same weights, so the
     * function is unchanged. A graph that already ends in a softmax output layer is returned as it is.
     */
    public static ComputationGraph asClassifier(ComputationGraph g) {
        ComputationGraphConfiguration conf = cloneConfiguration(g.getConfiguration());
        if (conf.getNetworkOutputs().size() != 1) throw new IllegalArgumentException("graph has " + conf.getNetworkOutputs().size() + " outputs, need 1");
        String out = conf.getNetworkOutputs().get(0);
        Layer last = conf.getVertices().get(out) instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
        if (last instanceof OutputLayer o && o.getActivationFn() instanceof org.nd4j.linalg.activations.impl.ActivationSoftmax) return g;
        String dense = out;
        if (last instanceof org.deeplearning4j.nn.conf.layers.ActivationLayer a
                && a.getActivationFn() instanceof org.nd4j.linalg.activations.impl.ActivationSoftmax) {
            List<String> ins = conf.getVertexInputs().get(out);
            dense = ins.get(0);
            Layer d = conf.getVertices().get(dense) instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
            if (!(d instanceof DenseLayer dl) || !(dl.getActivationFn() instanceof org.nd4j.linalg.activations.impl.ActivationIdentity)) {
                throw new IllegalArgumentException("softmax at " + out + " does not follow a linear dense layer");
            }
            conf.getVertices().remove(out);
            conf.getVertexInputs().remove(out);
        } else if (!(last instanceof DenseLayer dl && dl.getActivationFn() instanceof org.nd4j.linalg.activations.impl.ActivationSoftmax)) {
            throw new IllegalArgumentException("output " + out + " is not a softmax classifier (" + (last == null ? "not a layer" : last.getClass().getSimpleName()) + ")");
        }
        LayerVertex lv = (LayerVertex) conf.getVertices().get(dense);
        DenseLayer dl = (DenseLayer) lv.getLayerConf().getLayer();
        OutputLayer o = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name(dense)
                .nIn(dl.getNIn()).nOut(dl.getNOut()).hasBias(dl.hasBias()).activation(Activation.SOFTMAX).build();
        // Builders outside a NeuralNetConfiguration leave the inherited settings null: take the dense layer's.
        o.setWeightInitFn(dl.getWeightInitFn());
        o.setIUpdater(dl.getIUpdater());
        o.setBiasUpdater(dl.getBiasUpdater());
        o.setBiasInit(dl.getBiasInit());
        o.setRegularization(dl.getRegularization());
        o.setRegularizationBias(dl.getRegularizationBias());
        o.setGradientNormalization(dl.getGradientNormalization());
        o.setGradientNormalizationThreshold(dl.getGradientNormalizationThreshold());
        o.setIDropout(null);
        lv.getLayerConf().setLayer(o);
        conf.setNetworkOutputs(new ArrayList<>(List.of(dense)));
        conf.setTopologicalOrder(null);
        conf.setTopologicalOrderStr(null);
        ComputationGraph c = new ComputationGraph(conf);
        c.init();
        copyParams(g, c);
        return c;
    }

    /** {@code full}'s BatchNorm layer {@code name} at its running statistics, as a parameterless layer. */
    private static FrozenBatchNorm folded(ComputationGraph full, String name, BatchNormalization bn) {
        int axis = bn.getCnn2DFormat() == CNN2DFormat.NHWC ? 3 : 1;
        return FrozenBatchNorm.fold(name, full.getLayer(name).paramTable(), bn.getEps(), axis, bn.isUseLogStd());
    }

    /**
     * A deep copy of a graph configuration. DL4J M2.1's {@code MergeVertex.clone()} returns a fresh vertex with
     * the default merge axis 1, which concatenates NHWC maps along their height (SqueezeNet's fire modules);
     * the copy gets each merge vertex's original axis back.
     */
    public static ComputationGraphConfiguration cloneConfiguration(ComputationGraphConfiguration conf) {
        ComputationGraphConfiguration c = conf.clone();
        for (var e : conf.getVertices().entrySet()) {
            if (e.getValue() instanceof MergeVertex m && c.getVertices().get(e.getKey()) instanceof MergeVertex copy) {
                copy.setMergeAxis(m.getMergeAxis());
            }
        }
        return c;
    }

    /** Copies every parameter array of {@code from} into the layer of the same name in {@code to}. */
    public static void copyParams(ComputationGraph from, ComputationGraph to) {
        for (org.deeplearning4j.nn.api.Layer l : from.getLayers()) {
            String name = l.conf().getLayer().getLayerName();
            if (l.numParams() == 0 || !to.getConfiguration().getVertices().containsKey(name)) continue;
            org.deeplearning4j.nn.api.Layer target = to.getLayer(name);
            if (target.numParams() == 0 && target instanceof FrozenBatchNorm.Impl) continue; // folded constants, nothing to copy
            if (target.numParams() != l.numParams()) {
                throw new IllegalStateException("layer " + name + ": " + l.numParams() + " vs " + target.numParams() + " parameters");
            }
            target.setParams(l.params().dup());
        }
    }
}
