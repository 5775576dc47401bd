package dev.tl.backbone;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a strategy needs to know about a pretrained backbone, in the spirit of timm's model cards:
 * what it eats, where its features come out, how it divides into stages, and where its weights come from.
 * Configs speak of stage names ({@code stage4}, {@code head}); only this class knows vertex names.
 *
 * @param name          registry name, as used in configs ({@code resnet50})
 * @param description   one line for {@code tl models list}
 * @param preprocessing input size, normalization and layout
 * @param featureVertex the vertex whose output is the feature vector; new heads attach here
 * @param featureSize   length of the feature vector
 * @param stages        ordered stage name to regex over vertex names; vertices no regex matches inherit the
 *                      latest stage of their inputs (so activations and adds follow their block)
 * @param topVertices   the original classifier, removed when a new head is attached
 * @param paramCount    parameters of the full pretrained graph, as a sanity check after import
 * @param source        where the weights come from
 */
public record BackboneSpec(String name, String description, Preprocessing preprocessing, String featureVertex,
                           long featureSize, LinkedHashMap<String, String> stages, List<String> topVertices,
                           long paramCount, WeightSource source) {

    public static final String HEAD = "head";

    /** Stage names from input to output, then {@code head}. */
    public List<String> stageNames() {
        var l = new java.util.ArrayList<>(stages.keySet());
        l.add(HEAD);
        return List.copyOf(l);
    }

    /**
     * Ordered stage map from alternating name, regex arguments. Lives here rather than in {@link Backbones}
     * so that specs defined in other classes' static initializers (e.g. {@link TinyCnn#SPEC}) do not trigger
     * the registry's initialization, which would read those very fields while they are still null.
     */
    public static LinkedHashMap<String, String> stages(String... kv) {
        if (kv.length % 2 != 0) throw new IllegalArgumentException("stages need name, regex pairs");
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    public Map<String, String> stagePatterns() {
        return stages;
    }
}
