package dev.tl.model;

import dev.tl.backbone.StageMap;
import dev.tl.backbone.TinyCnn;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphSurgeryTest {
    @BeforeAll
    static void fastPath() {
        FastPath.enable();
    }

    private static ComputationGraph model() {
        return GraphSurgery.attachHead(TinyCnn.build(3), TinyCnn.SPEC, new HeadSpec(List.of(6), 0.5), 4, 9);
    }

    @Test
    void featureShapeFromTheSpecEqualsTheProbe() {
        ComputationGraph g = TinyCnn.build(3);
        long[] probed = GraphSurgery.probeFeatureShape(g, TinyCnn.SPEC);
        assertEquals(List.of(1L, TinyCnn.SPEC.featureSize()), java.util.Arrays.stream(probed).boxed().toList());
        assertTrue(GraphSurgery.collapsesToVector(g, TinyCnn.SPEC.featureVertex()), "the spec's size is used, no probe");
        assertTrue(java.util.Arrays.equals(probed, GraphSurgery.featureShape(g, TinyCnn.SPEC)));
        // without a known size the probe is used
        var s = TinyCnn.SPEC;
        var unknown = new dev.tl.backbone.BackboneSpec(s.name(), s.description(), s.preprocessing(), s.featureVertex(), -1,
                s.stages(), s.topVertices(), s.paramCount(), s.source());
        assertTrue(java.util.Arrays.equals(probed, GraphSurgery.featureShape(g, unknown)));
    }

    @Test
    void headReplacesTheOriginalTop() {
        ComputationGraph g = model();
        assertTrue(g.getConfiguration().getVertices().containsKey("head_fc1"));
        assertTrue(g.getConfiguration().getVertices().containsKey("head_dropout1"));
        assertFalse(g.getConfiguration().getVertices().containsKey("predictions"));
        INDArray out = g.outputSingle(false, Nd4j.rand(DataType.FLOAT, 2, 32, 32, 3));
        assertEquals(List.of(2L, 4L), List.of(out.size(0), out.size(1)));
    }

    @Test
    void tailOnCachedActivationsEqualsTheWholeGraphWithFoldedBatchNorm() {
        ComputationGraph g = model();
        StageMap stages = StageMap.of(g.getConfiguration(), TinyCnn.SPEC);
        // Non-trivial BatchNorm statistics, so that folding is actually exercised.
        for (String bn : List.of("s2_bn", "s1_bn")) {
            var l = g.getLayer(bn);
            l.setParam("mean", Nd4j.rand(DataType.FLOAT, l.getParam("mean").shape()));
            setVar(l, Nd4j.rand(DataType.FLOAT, l.getParam("mean").shape()).addi(0.5));
            l.setParam("gamma", Nd4j.rand(DataType.FLOAT, l.getParam("gamma").shape()).addi(0.5));
        }
        String boundary = GraphSurgery.boundary(g, stages, "stage1");
        assertEquals("stem_pool", boundary);
        ComputationGraph tail = GraphSurgery.tail(g, stages, boundary,
                new GraphSurgery.TrainSettings(Adam::new, 1e-3, Map.of("stage1", 1e-4), true, 0));
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 32, 32, 3);
        INDArray atCut = g.output(List.of(boundary), false, new INDArray[]{x}, null)[0];
        INDArray viaTail = tail.outputSingle(false, atCut);
        INDArray whole = g.outputSingle(false, x);
        assertTrue(whole.equalsWithEps(viaTail, 1e-5), "tail output differs: " + whole + " vs " + viaTail);
        assertTrue(tail.getLayer("s1_bn") instanceof FrozenBatchNorm.Impl);
        assertEquals(1e-4, ((Adam) ((org.deeplearning4j.nn.conf.layers.BaseLayer) tail.getLayer("s1_conv").conf().getLayer()).getIUpdater()).getLearningRate(), 0);
        assertEquals(1e-3, ((Adam) ((org.deeplearning4j.nn.conf.layers.BaseLayer) tail.getLayer("head_out").conf().getLayer()).getIUpdater()).getLearningRate(), 0);
    }

    @Test
    void foldComputesScaleAndShiftFromRunningStatistics() {
        ComputationGraph g = model();
        var bn = g.getLayer("s2_bn");
        setVar(bn, Nd4j.valueArrayOf(bn.getParam("mean").shape(), 4.0f));
        bn.setParam("gamma", Nd4j.valueArrayOf(bn.getParam("gamma").shape(), 3.0f));
        bn.setParam("mean", Nd4j.valueArrayOf(bn.getParam("mean").shape(), 2.0f));
        bn.setParam("beta", Nd4j.valueArrayOf(bn.getParam("beta").shape(), 0.5f));
        var conf = (org.deeplearning4j.nn.conf.layers.BatchNormalization) bn.conf().getLayer();
        FrozenBatchNorm f = FrozenBatchNorm.fold("x", bn.paramTable(), conf.getEps(), 3, conf.isUseLogStd());
        double scale = 3.0 / Math.sqrt(4.001);
        assertEquals(scale, f.getScale()[0], 1e-5);
        assertEquals(0.5 - 2.0 * scale, f.getShift()[0], 1e-5);
    }

    /** DL4J stores BatchNorm variance either as "var" or, by default, as log10 of the std ("log10stdev"). */
    private static void setVar(org.deeplearning4j.nn.api.Layer bn, INDArray var) {
        var conf = (org.deeplearning4j.nn.conf.layers.BatchNormalization) bn.conf().getLayer();
        if (bn.getParam("var") != null) {
            bn.setParam("var", var);
        } else {
            bn.setParam("log10stdev", org.nd4j.linalg.ops.transforms.Transforms.log(var, 10).muli(0.5));
        }
    }

    @Test
    void unknownStageIsRejected() {
        ComputationGraph g = model();
        StageMap stages = StageMap.of(g.getConfiguration(), TinyCnn.SPEC);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GraphSurgery.boundary(g, stages, "stage9"));
        assertTrue(e.getMessage().contains("valid: stem, stage1, stage2, head"), e.getMessage());
    }
}
