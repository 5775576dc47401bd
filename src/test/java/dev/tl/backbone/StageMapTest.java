package dev.tl.backbone;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StageMapTest {
    static {
        TestEnv.init();
    }

    @Test
    void tinyCnnStagesFollowNamesAndTopology() {
        ComputationGraph g = TinyCnn.build(1);
        StageMap sm = StageMap.of(g.getConfiguration(), TinyCnn.SPEC);
        assertEquals(List.of("stem", "stage1", "stage2", "head"), sm.stageOrder());
        assertEquals(List.of("input", "stem_conv", "stem_bn", "stem_relu", "stem_pool"), sm.vertices("stem"));
        assertEquals(List.of("s1_conv", "s1_bn", "s1_relu"), sm.vertices("stage1"));
        // avg_pool matches no pattern: it inherits the stage of its input
        assertEquals(List.of("s2_conv", "s2_bn", "s2_relu", "avg_pool"), sm.vertices("stage2"));
        assertEquals(List.of("predictions"), sm.vertices("head"));
        assertEquals(g.getConfiguration().getTopologicalOrderStr().size(), sm.asMap().size());
        assertTrue(sm.index("stage1") < sm.index("head"));
        assertThrows(IllegalArgumentException.class, () -> sm.stageOf("nope"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sm.index("stage9"));
        assertTrue(e.getMessage().contains("valid: stem, stage1, stage2, head"), e.getMessage());
    }

    @Test
    void registryListsEveryBackboneAndRejectsUnknownNames() {
        assertEquals(List.of("resnet50", "vgg16", "mobilenet_v1_075", "squeezenet_v11", "tiny"), Backbones.names());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backbones.get("resnet18"));
        assertTrue(e.getMessage().contains("valid: resnet50, vgg16, mobilenet_v1_075, squeezenet_v11, tiny"), e.getMessage());
        for (BackboneSpec s : Backbones.all()) {
            assertTrue(s.featureSize() > 0 && !s.stages().isEmpty() && s.source() != null, s.name());
        }
    }
}
