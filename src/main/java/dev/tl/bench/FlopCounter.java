package dev.tl.bench;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.Map;

/**
 * Forward-pass floating-point operations per image, counted from the layers the way papers and Keras model
 * cards count them: multiply-adds of convolutions and dense layers, times two; BatchNorm, activations,
 * pooling and adds are left out (they are a few percent and memory-bound). For Keras ResNet50 this gives
 * 7.72 GFLOP, the figure needed to say what fraction of the machine's FP32 peak a forward pass reaches.
 *
 * <p>Shapes come from DL4J's own shape inference ({@link ComputationGraphConfiguration#getLayerActivationTypes}),
 * so strides, padding modes and the data format of the imported graph are honoured without re-deriving them.
 */
public final class FlopCounter {
    private FlopCounter() {}

    /** FLOPs of one image through the whole graph, for the given network input type (batch size 1). */
    public static long forwardFlops(ComputationGraph graph, InputType input) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        Map<String, InputType> out = conf.getLayerActivationTypes(input);
        long total = 0;
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            if (!(e.getValue() instanceof LayerVertex lv)) continue;
            InputType o = out.get(e.getKey());
            total += layerFlops(lv.getLayerConf().getLayer(), o);
        }
        return total;
    }

    /**
     * FLOPs of one layer for one image, given its output type: conv {@code 2*Kh*Kw*Cin*Cout*Hout*Wout},
     * depthwise {@code 2*Kh*Kw*Cin*mult*Hout*Wout}, separable = depthwise + 1x1 pointwise, dense
     * {@code 2*in*out}; 0 for everything else (and for unknown shapes).
     */
    static long layerFlops(Layer layer, InputType output) {
        if (layer instanceof DepthwiseConvolution2D d && output instanceof InputType.InputTypeConvolutional c) {
            int[] k = d.getKernelSize();
            return 2L * k[0] * k[1] * c.getChannels() * c.getHeight() * c.getWidth(); // Cout = Cin * mult
        }
        if (layer instanceof SeparableConvolution2D s && output instanceof InputType.InputTypeConvolutional c) {
            int[] k = s.getKernelSize();
            long mid = s.getNIn() * s.getDepthMultiplier();
            return 2L * k[0] * k[1] * mid * c.getHeight() * c.getWidth() + 2L * mid * s.getNOut() * c.getHeight() * c.getWidth();
        }
        if (layer instanceof ConvolutionLayer cl && output instanceof InputType.InputTypeConvolutional c) {
            int[] k = cl.getKernelSize();
            return 2L * k[0] * k[1] * cl.getNIn() * cl.getNOut() * c.getHeight() * c.getWidth();
        }
        if (layer instanceof DenseLayer d) return 2L * d.getNIn() * d.getNOut();
        if (layer instanceof OutputLayer d) return 2L * d.getNIn() * d.getNOut();
        return 0;
    }
}
