package dev.tl.backbone;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Assigns every vertex of a backbone graph (plus any head attached to it) to a named stage.
 *
 * <p>Vertices whose names match a stage's regex belong to it; the rest (activations, adds, padding, pooling,
 * whose Keras names are generic like {@code activation_12}) inherit the latest stage among their inputs.
 * Everything downstream of the feature vertex is {@code head}. This keeps the rules short and makes
 * the assignment follow the topology rather than the name order.
 */
public final class StageMap {
    private final List<String> stageOrder;
    private final Map<String, String> stageOf;

    private StageMap(List<String> stageOrder, Map<String, String> stageOf) {
        this.stageOrder = stageOrder;
        this.stageOf = stageOf;
    }

    public static StageMap of(ComputationGraphConfiguration conf, BackboneSpec spec) {
        List<String> order = spec.stageNames();
        Map<String, Pattern> patterns = new LinkedHashMap<>();
        spec.stagePatterns().forEach((k, v) -> patterns.put(k, Pattern.compile(v)));
        Map<String, List<String>> inputs = conf.getVertexInputs();
        Map<String, String> stageOf = new LinkedHashMap<>();
        List<String> topo = conf.getTopologicalOrderStr();
        Set<String> headSet = descendants(conf, spec.featureVertex());
        for (String v : topo) {
            if (headSet.contains(v)) {
                stageOf.put(v, BackboneSpec.HEAD);
                continue;
            }
            String stage = null;
            for (var e : patterns.entrySet()) {
                if (e.getValue().matcher(v).matches()) {
                    stage = e.getKey();
                    break;
                }
            }
            if (stage == null) {
                int best = 0;
                for (String in : inputs.getOrDefault(v, List.of())) {
                    String s = stageOf.get(in);
                    if (s != null) best = Math.max(best, order.indexOf(s));
                }
                stage = order.get(best);
            }
            stageOf.put(v, stage);
        }
        return new StageMap(order, stageOf);
    }

    /** All vertices strictly downstream of {@code vertex}. */
    public static Set<String> descendants(ComputationGraphConfiguration conf, String vertex) {
        Map<String, List<String>> children = new LinkedHashMap<>();
        conf.getVertexInputs().forEach((v, ins) -> ins.forEach(i -> children.computeIfAbsent(i, k -> new ArrayList<>()).add(v)));
        Set<String> out = new HashSet<>();
        List<String> todo = new ArrayList<>(children.getOrDefault(vertex, List.of()));
        while (!todo.isEmpty()) {
            String v = todo.remove(todo.size() - 1);
            if (out.add(v)) todo.addAll(children.getOrDefault(v, List.of()));
        }
        return out;
    }

    public String stageOf(String vertex) {
        String s = stageOf.get(vertex);
        if (s == null) throw new IllegalArgumentException("vertex '" + vertex + "' is not in the graph");
        return s;
    }

    /** Stage index in input-to-output order ({@code head} last). */
    public int index(String stage) {
        int i = stageOrder.indexOf(stage);
        if (i < 0) throw new IllegalArgumentException("unknown stage '" + stage + "'; valid: " + String.join(", ", stageOrder));
        return i;
    }

    public List<String> stageOrder() {
        return stageOrder;
    }

    public List<String> vertices(String stage) {
        return stageOf.entrySet().stream().filter(e -> e.getValue().equals(stage)).map(Map.Entry::getKey).toList();
    }

    public Map<String, String> asMap() {
        return java.util.Collections.unmodifiableMap(stageOf);
    }
}
