package dev.tl.backbone;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Keras architecture (model JSON) plus a weights-only HDF5 file ({@code model.save_weights}, e.g. the
 * official {@code vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5}) to a DL4J graph.
 *
 * <p>The graph comes from DL4J's Keras importer; the weights are read by {@link KerasWeightsH5}, which
 * follows the file's own {@code layer_names}/{@code weight_names} (DL4J's HDF5 reader cannot find the
 * datasets of layers whose names contain '/', such as SqueezeNet's {@code fire2/squeeze1x1}), and are handed
 * to each Keras layer, which converts them to DL4J's layout (conv kernels HWIO to DL4J's OIHW, dense kernels
 * unchanged [in, out]). Every layer with parameters must find its weights in the file and vice versa.
 */
public final class KerasH5Model {
    private KerasH5Model() {}

    public static ComputationGraph load(String architectureJson, Path weightsH5) {
        return TfjsLayersModel.importGraph(architectureJson, weights(KerasWeightsH5.read(weightsH5)), weightsH5);
    }

    /** The weights as {@code layer/param} arrays in Keras layout, the form the importer's layers take. */
    static Map<String, INDArray> weights(KerasWeightsH5.Contents c) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        c.layers().forEach((layer, ws) -> {
            for (KerasWeightsH5.Weight w : ws) {
                String key = layer + "/" + w.param();
                if (out.put(key, Nd4j.create(w.data(), w.shape(), 'c')) != null) {
                    throw new WeightsException("layer '" + layer + "' has two weights named '" + w.param() + "'");
                }
            }
        });
        return out;
    }
}
