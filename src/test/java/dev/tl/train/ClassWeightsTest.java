package dev.tl.train;

import dev.tl.backbone.TinyCnn;
import dev.tl.config.ClassWeights;
import dev.tl.config.ConfigException;
import dev.tl.config.ConfigLoader;
import dev.tl.model.FastPath;
import dev.tl.model.GraphSurgery;
import dev.tl.model.HeadSpec;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** training.class_weights: balanced weighs the loss by N / (K * n_c), computed from the training labels. */
class ClassWeightsTest {
    @BeforeAll
    static void fastPath() {
        FastPath.enable();
    }

    private static TrainPlan plan(boolean balance) {
        return new TrainPlan(HeadSpec.linear(), List.of(new PhasePlan("p", "head", 1, 1e-3, Map.of(), false)),
                "adam", 0.9, 0, 8, 1, true, 1, false, balance);
    }

    @Test
    void balancedWeightsByHand() {
        // 4 images, 2 classes: 3 of class 0, 1 of class 1 -> w0 = 4 / (2*3) = 0.6667, w1 = 4 / (2*1) = 2.
        float[] w = plan(true).classWeights(new int[]{0, 0, 0, 1}, 2);
        assertArrayEquals(new float[]{4f / 6f, 2f}, w, 1e-6f);
        // A class without training images gets 0; three classes: 2 images of class 0 -> w0 = 2 / (3*2) = 1/3.
        assertArrayEquals(new float[]{1f / 3f, 0f, 0f}, plan(true).classWeights(new int[]{0, 0}, 3), 1e-6f);
        assertNull(plan(false).classWeights(new int[]{0, 0, 0, 1}, 2));
    }

    @Test
    void theOutputLayerLossIsWeighted() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 32, 32, 3);
        INDArray y = Nd4j.create(new float[][]{{0, 1}});
        ComputationGraph plain = GraphSurgery.attachHead(TinyCnn.build(3), TinyCnn.SPEC, HeadSpec.linear(), 2, 5);
        ComputationGraph weighted = GraphSurgery.attachHead(TinyCnn.build(3), TinyCnn.SPEC, HeadSpec.linear(), 2, 5, new float[]{1f, 3f});
        // Same seeds, same weights; a single class-1 example: the weighted loss is exactly 3x the plain one.
        assertEquals(3 * plain.score(new DataSet(x, y)), weighted.score(new DataSet(x, y)), 1e-5);
        assertThrows(IllegalArgumentException.class,
                () -> GraphSurgery.attachHead(TinyCnn.build(3), TinyCnn.SPEC, HeadSpec.linear(), 2, 5, new float[]{1f}));
    }

    @Test
    void configSpellingAndErrors() {
        String base = "backbone: {name: tiny}\ndata: {dir: d}\nstrategy: {name: feature-extract}\ntraining: {class_weights: %s}\n";
        assertEquals(ClassWeights.BALANCED, ConfigLoader.parse(String.format(base, "balanced"), "c.yaml").training().classWeights());
        assertEquals(ClassWeights.NONE, ConfigLoader.parse(base.replace("training: {class_weights: %s}\n", ""), "c.yaml").training().classWeights());
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(String.format(base, "auto"), "c.yaml"));
        assertEquals("training.class_weights", e.path());
        assertTrue(e.getMessage().contains("none, balanced"), e.getMessage());
        assertTrue(ConfigLoader.toYaml(ConfigLoader.parse(String.format(base, "balanced"), "c.yaml")).contains("class_weights: balanced"));
    }
}
