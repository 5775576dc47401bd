package dev.tl.explain;

import dev.tl.backbone.TinyCnn;
import dev.tl.model.FastPath;
import dev.tl.model.GraphSurgery;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassifierTest {
    @BeforeAll
    static void fastPath() {
        FastPath.enable();
    }

    private static ComputationGraph kerasStyle(boolean separateSoftmax) {
        var b = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT).graphBuilder()
                .addInputs("in").setInputTypes(InputType.feedForward(5))
                .addLayer("fc", new DenseLayer.Builder().nOut(4).activation(separateSoftmax ? Activation.IDENTITY : Activation.SOFTMAX).build(), "in");
        if (separateSoftmax) b.addLayer("act", new ActivationLayer(Activation.SOFTMAX), "fc").setOutputs("act");
        else b.setOutputs("fc");
        ComputationGraph g = new ComputationGraph(b.build());
        g.init();
        return g;
    }

    @Test
    void kerasSoftmaxTopsBecomeOneOutputLayerComputingTheSame() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 5);
        for (boolean separate : new boolean[]{false, true}) {
            ComputationGraph g = kerasStyle(separate);
            ComputationGraph c = GraphSurgery.asClassifier(g);
            assertEquals(List.of("fc"), c.getConfiguration().getNetworkOutputs());
            assertTrue(c.getLayer("fc").conf().getLayer() instanceof OutputLayer);
            assertTrue(g.outputSingle(false, x).equalsWithEps(c.outputSingle(false, x), 1e-6), "separate=" + separate);
        }
    }

    @Test
    void aSoftmaxOutputLayerIsKeptAndOthersAreRejected() {
        ComputationGraph tiny = TinyCnn.build(1);
        assertSame(tiny, GraphSurgery.asClassifier(tiny));
        var b = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(5))
                .addLayer("fc", new DenseLayer.Builder().nOut(4).activation(Activation.RELU).build(), "in").setOutputs("fc");
        ComputationGraph relu = new ComputationGraph(b.build());
        relu.init();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GraphSurgery.asClassifier(relu));
        assertTrue(e.getMessage().contains("fc"), e.getMessage());
    }

    @Test
    void imageNetNamesAreInKerasOrder() {
        List<String> c = Classifier.imageNetClasses();
        assertEquals("tench", c.get(0));
        assertEquals("bald_eagle", c.get(22));
        assertEquals("malamute", c.get(249));
        assertEquals("tabby", c.get(281));
        Classifier k = new Classifier(null, c, null, null, "test");
        assertEquals(22, k.classIndex("bald eagle"));
        assertEquals(281, k.classIndex("Tabby"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.classIndex("eagle"));
        assertTrue(e.getMessage().contains("bald_eagle"), e.getMessage());
    }
}
