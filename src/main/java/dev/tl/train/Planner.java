package dev.tl.train;

import dev.tl.backbone.BackboneSpec;
import dev.tl.config.BatchNormMode;
import dev.tl.config.PhaseConfig;
import dev.tl.config.Select;
import dev.tl.config.StrategyConfig;
import dev.tl.config.TlConfig;
import dev.tl.model.HeadSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles a validated config into a {@link TrainPlan}: every strategy becomes a list of phases, each
 * naming the first trainable stage and a learning rate per trainable stage. This is where the four
 * strategies differ; the trainer itself knows only phases.
 */
public final class Planner {
    private Planner() {}

    public static TrainPlan plan(TlConfig c, BackboneSpec spec) {
        StrategyConfig s = c.strategy();
        List<String> backboneStages = new ArrayList<>(spec.stages().keySet());
        double lr = c.training().lr();
        List<PhasePlan> phases = new ArrayList<>();
        switch (s.name()) {
            case FEATURE_EXTRACT, HEAD_REPLACE ->
                    phases.add(new PhasePlan(s.name().id(), BackboneSpec.HEAD, c.training().epochs(), lr, Map.of(), false));
            case FINE_TUNE -> {
                String from = StrategyConfig.ALL.equals(s.unfreezeFrom()) ? backboneStages.get(0) : s.unfreezeFrom();
                List<String> unfrozen = backboneStages.subList(backboneStages.indexOf(from), backboneStages.size());
                phases.add(new PhasePlan(s.name().id(), from, c.training().epochs(), lr,
                        stageLr(unfrozen, lr * s.backboneLrFactor(), s.stageLr()), true));
            }
            case PROGRESSIVE -> {
                List<String> unfrozen = new ArrayList<>();
                for (PhaseConfig p : s.phases()) {
                    unfrozen.addAll(p.unfreeze());
                    String from = BackboneSpec.HEAD;
                    for (String st : backboneStages) {
                        if (unfrozen.contains(st)) {
                            from = st;
                            break;
                        }
                    }
                    // Everything from the earliest unfrozen stage up trains: the tail must be contiguous.
                    List<String> trainable = from.equals(BackboneSpec.HEAD) ? List.of() : backboneStages.subList(backboneStages.indexOf(from), backboneStages.size());
                    phases.add(new PhasePlan(p.name(), from, p.epochs(), p.lr(),
                            stageLr(trainable, p.lr() * p.backboneLrFactor(), s.stageLr()), !trainable.isEmpty()));
                }
            }
        }
        HeadSpec head = new HeadSpec(s.head().hidden(), s.head().dropout());
        return new TrainPlan(head, phases, c.training().optimizer().id(), c.training().momentum(), c.training().weightDecay(),
                c.training().batchSize(), c.training().seed(), s.batchnorm() == BatchNormMode.FROZEN, c.data().augment().views(),
                c.training().select() == Select.BEST, c.training().classWeights() == dev.tl.config.ClassWeights.BALANCED);
    }

    private static Map<String, Double> stageLr(List<String> stages, double defaultLr, Map<String, Double> overrides) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String st : stages) m.put(st, overrides.getOrDefault(st, defaultLr));
        return m;
    }
}
