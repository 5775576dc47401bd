package dev.tl.train;

import dev.tl.backbone.StageMap;
import dev.tl.backbone.TinyCnn;
import dev.tl.model.FastPath;
import dev.tl.model.GraphSurgery;
import dev.tl.model.HeadSpec;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In the manner of DL4J's TestFrozenLayers: snapshot every parameter before each phase, train, and check
 * that parameters outside the phase's trainable stages are bit-identical while trainable ones moved.
 */
class FrozenParametersTest {
    @BeforeAll
    static void fastPath() {
        FastPath.enable();
    }

    /** Checks each phase as it ends; collects failures so one run reports all. */
    static final class PhaseChecker implements TrainingListener {
        final ComputationGraph full;
        final StageMap stages;
        final boolean bnFrozen;
        Map<String, INDArray> before;
        final List<String> checked = new ArrayList<>();

        PhaseChecker(ComputationGraph full, boolean bnFrozen) {
            this.full = full;
            this.stages = StageMap.of(full.getConfiguration(), TinyCnn.SPEC);
            this.bnFrozen = bnFrozen;
        }

        @Override
        public void onPhaseStart(int phaseIndex, PhasePlan phase, String boundary) {
            before = new HashMap<>();
            for (Layer l : full.getLayers()) {
                if (l.numParams() > 0) before.put(l.conf().getLayer().getLayerName(), l.params().dup());
            }
        }

        @Override
        public void onPhaseEnd(int phaseIndex, PhasePlan phase) {
            int from = stages.index(phase.trainableFrom());
            for (var e : before.entrySet()) {
                String name = e.getKey();
                INDArray after = full.getLayer(name).params();
                boolean trainableStage = stages.index(stages.stageOf(name)) >= from;
                boolean isBn = full.getLayer(name).conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization;
                boolean shouldChange = trainableStage && !(isBn && bnFrozen);
                if (shouldChange) {
                    assertFalse(e.getValue().equals(after), phase.name() + ": trainable layer " + name + " did not change");
                } else {
                    assertTrue(e.getValue().equals(after), phase.name() + ": frozen layer " + name + " changed");
                }
                checked.add(phase.name() + ":" + name + ":" + (shouldChange ? "changed" : "same"));
            }
        }
    }

    private static PhaseChecker run(List<PhasePlan> phases, boolean bnFrozen) {
        ComputationGraph full = GraphSurgery.attachHead(TinyCnn.build(7), TinyCnn.SPEC, new HeadSpec(List.of(8), 0.2), 3, 11);
        PhaseChecker checker = new PhaseChecker(full, bnFrozen);
        TrainPlan plan = new TrainPlan(new HeadSpec(List.of(8), 0.2), phases, "adam", 0.9, 0, 8, 5, bnFrozen, 2, false, false);
        new Trainer(plan, TinyCnn.SPEC, List.of(checker), null).fit(full, new SyntheticImages(24, 3, 1), new SyntheticImages(9, 3, 2));
        return checker;
    }

    @Test
    void featureExtractTrainsOnlyTheHead() {
        PhaseChecker c = run(List.of(new PhasePlan("head", "head", 2, 1e-2, Map.of(), false)), true);
        assertTrue(c.checked.contains("head:head_out:changed"));
        assertTrue(c.checked.contains("head:s2_conv:same"));
        assertTrue(c.checked.contains("head:stem_conv:same"));
    }

    @Test
    void fineTuneFromStage2KeepsEarlierStagesAndFrozenBatchNorm() {
        PhaseChecker c = run(List.of(new PhasePlan("ft", "stage2", 2, 1e-2, Map.of("stage2", 1e-3), true)), true);
        assertTrue(c.checked.contains("ft:s2_conv:changed"));
        assertTrue(c.checked.contains("ft:s2_bn:same"));
        assertTrue(c.checked.contains("ft:s1_conv:same"));
    }

    @Test
    void fineTuneAllWithTrainableBatchNormChangesEverything() {
        PhaseChecker c = run(List.of(new PhasePlan("all", "stem", 1, 1e-2,
                Map.of("stem", 1e-3, "stage1", 1e-3, "stage2", 1e-3), true)), false);
        assertTrue(c.checked.contains("all:stem_conv:changed"));
        assertTrue(c.checked.contains("all:stem_bn:changed"));
    }

    @Test
    void progressiveUnfreezesStageByStage() {
        PhaseChecker c = run(List.of(
                new PhasePlan("p1", "head", 2, 1e-2, Map.of(), false),
                new PhasePlan("p2", "stage2", 1, 1e-3, Map.of("stage2", 1e-4), true),
                new PhasePlan("p3", "stage1", 1, 1e-3, Map.of("stage2", 1e-4, "stage1", 1e-5), true)), true);
        assertTrue(c.checked.contains("p1:s2_conv:same"));
        assertTrue(c.checked.contains("p2:s2_conv:changed"));
        assertTrue(c.checked.contains("p2:s1_conv:same"));
        assertTrue(c.checked.contains("p3:s1_conv:changed"));
        assertTrue(c.checked.contains("p3:stem_conv:same"));
        assertEquals(3, c.checked.stream().map(s -> s.split(":")[0]).distinct().count());
    }
}
