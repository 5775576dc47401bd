package dev.tl.backbone;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Keras model JSON (architecture only) for the backbones whose weights come as weights-only HDF5 files,
 * which carry no architecture. Written in code from the published model definitions, so that the layer
 * names, order and settings are exactly those the official weight files were saved from:
 * <ul>
 *   <li>VGG16: {@code keras.applications.vgg16.VGG16} (Keras 2.2/2.3), blocks {@code block1..block5},
 *       optional {@code flatten/fc1/fc2/predictions} top or a global pooling layer;</li>
 *   <li>SqueezeNet v1.1: the classic {@code keras-squeezenet} model (rcmalli), whose
 *       {@code squeezenet_weights_tf_dim_ordering_tf_kernels_notop.h5} has layer names {@code conv1},
 *       {@code fire2/squeeze1x1}, {@code fire2/expand1x1}, {@code fire2/expand3x3}, ...</li>
 * </ul>
 * Each builder returns the JSON that DL4J's Keras importer reads (with {@code keras_version} and
 * {@code backend} at top level).
 */
public final class KerasArchitectures {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Architecture ids, as {@link WeightSource#entry()} of {@code keras-h5} sources names them. */
    public static final String VGG16_NOTOP_AVG = "keras:vgg16_notop_avg";
    public static final String SQUEEZENET_V11_AVG = "keras:squeezenet_v11_notop_avg";

    private KerasArchitectures() {}

    /** The Keras model JSON for an architecture id. */
    public static String byId(String id) {
        return switch (id) {
            case VGG16_NOTOP_AVG -> vgg16(false, "avg");
            case SQUEEZENET_V11_AVG -> squeezenet11("avg");
            default -> throw new WeightsException("unknown built-in architecture '" + id + "'");
        };
    }

    /**
     * VGG16 as {@code keras.applications.VGG16(include_top, pooling)} builds it for 224x224x3 inputs.
     *
     * @param includeTop the 1000-class top (flatten, fc1, fc2, predictions)
     * @param pooling    without top: {@code null} (output block5_pool, 7x7x512), {@code "avg"} or {@code "max"}
     *                   (a global pooling layer named {@code avg_pool}/{@code max_pool}, 512)
     */
    public static String vgg16(boolean includeTop, String pooling) {
        Graph g = new Graph("vgg16", 224, 224);
        String x = "input_1";
        int[][] blocks = {{2, 64}, {2, 128}, {3, 256}, {3, 512}, {3, 512}};
        for (int b = 0; b < blocks.length; b++) {
            for (int c = 1; c <= blocks[b][0]; c++) {
                x = g.conv("block" + (b + 1) + "_conv" + c, x, blocks[b][1], 3, 1, "same", "relu");
            }
            x = g.maxPool("block" + (b + 1) + "_pool", x, 2, 2, "valid");
        }
        if (includeTop) {
            x = g.layer("Flatten", "flatten", x, g.base("flatten").put("data_format", "channels_last"));
            x = g.dense("fc1", x, 4096, "relu");
            x = g.dense("fc2", x, 4096, "relu");
            x = g.dense("predictions", x, 1000, "softmax");
        } else if (pooling != null) {
            x = g.globalPool(pooling, x);
        }
        return g.toJson(x);
    }

    /**
     * SqueezeNet v1.1 without its classifier ({@code keras-squeezenet}, {@code include_top=False}),
     * 224x224x3, with an optional global pooling layer ({@code "avg"}: {@code avg_pool}, 512 features).
     */
    public static String squeezenet11(String pooling) {
        Graph g = new Graph("squeezenet", 224, 224);
        String x = g.conv("conv1", "input_1", 64, 3, 2, "valid", "linear");
        x = g.activation("relu_conv1", x, "relu");
        x = g.maxPool("pool1", x, 3, 2, "valid");
        x = fire(g, x, 2, 16, 64);
        x = fire(g, x, 3, 16, 64);
        x = g.maxPool("pool3", x, 3, 2, "valid");
        x = fire(g, x, 4, 32, 128);
        x = fire(g, x, 5, 32, 128);
        x = g.maxPool("pool5", x, 3, 2, "valid");
        x = fire(g, x, 6, 48, 192);
        x = fire(g, x, 7, 48, 192);
        x = fire(g, x, 8, 64, 256);
        x = fire(g, x, 9, 64, 256);
        if (pooling != null) x = g.globalPool(pooling, x);
        return g.toJson(x);
    }

    private static String fire(Graph g, String in, int id, int squeeze, int expand) {
        String p = "fire" + id + "/";
        // layer order as in the weights file's layer_names (Keras sorts the two branches by depth)
        String s = g.activation(p + "relu_squeeze1x1", g.conv(p + "squeeze1x1", in, squeeze, 1, 1, "valid", "linear"), "relu");
        String l0 = g.conv(p + "expand1x1", s, expand, 1, 1, "valid", "linear");
        String r0 = g.conv(p + "expand3x3", s, expand, 3, 1, "same", "linear");
        String l = g.activation(p + "relu_expand1x1", l0, "relu");
        String r = g.activation(p + "relu_expand3x3", r0, "relu");
        ObjectNode cfg = g.base(p + "concat").put("axis", -1);
        return g.layer("Concatenate", p + "concat", new String[]{l, r}, cfg);
    }

    /** A minimal functional-model writer: layers in creation order, each with its inbound node. */
    private static final class Graph {
        final ObjectNode model = JSON.createObjectNode();
        final ArrayNode layers;

        Graph(String name, int h, int w) {
            model.put("class_name", "Model");
            ObjectNode cfg = model.putObject("config");
            cfg.put("name", name);
            layers = cfg.putArray("layers");
            ObjectNode in = JSON.createObjectNode();
            in.put("class_name", "InputLayer");
            ObjectNode ic = in.putObject("config");
            ArrayNode shape = ic.putArray("batch_input_shape");
            shape.addNull().add(h).add(w).add(3);
            ic.put("dtype", "float32").put("sparse", false).put("name", "input_1");
            in.put("name", "input_1");
            in.putArray("inbound_nodes");
            layers.add(in);
            cfg.putArray("input_layers").addArray().add("input_1").add(0).add(0);
        }

        ObjectNode base(String name) {
            return JSON.createObjectNode().put("name", name).put("trainable", true).put("dtype", "float32");
        }

        String conv(String name, String in, int filters, int k, int stride, String padding, String activation) {
            ObjectNode c = base(name).put("filters", filters);
            c.putArray("kernel_size").add(k).add(k);
            c.putArray("strides").add(stride).add(stride);
            c.put("padding", padding).put("data_format", "channels_last");
            c.putArray("dilation_rate").add(1).add(1);
            c.put("activation", activation).put("use_bias", true);
            initializers(c);
            return layer("Conv2D", name, in, c);
        }

        String dense(String name, String in, int units, String activation) {
            ObjectNode c = base(name).put("units", units).put("activation", activation).put("use_bias", true);
            initializers(c);
            return layer("Dense", name, in, c);
        }

        private void initializers(ObjectNode c) {
            c.putObject("kernel_initializer").put("class_name", "GlorotUniform").putObject("config").putNull("seed");
            c.putObject("bias_initializer").put("class_name", "Zeros").putObject("config");
            for (String k : new String[]{"kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint"}) {
                c.putNull(k);
            }
        }

        String maxPool(String name, String in, int size, int stride, String padding) {
            ObjectNode c = base(name);
            c.putArray("pool_size").add(size).add(size);
            c.put("padding", padding);
            c.putArray("strides").add(stride).add(stride);
            c.put("data_format", "channels_last");
            return layer("MaxPooling2D", name, in, c);
        }

        String activation(String name, String in, String fn) {
            return layer("Activation", name, in, base(name).put("activation", fn));
        }

        String globalPool(String pooling, String in) {
            return switch (pooling) {
                case "avg" -> layer("GlobalAveragePooling2D", "avg_pool", in, base("avg_pool").put("data_format", "channels_last"));
                case "max" -> layer("GlobalMaxPooling2D", "max_pool", in, base("max_pool").put("data_format", "channels_last"));
                default -> throw new IllegalArgumentException("pooling must be null, avg or max: " + pooling);
            };
        }

        String layer(String cls, String name, String in, ObjectNode cfg) {
            return layer(cls, name, new String[]{in}, cfg);
        }

        String layer(String cls, String name, String[] ins, ObjectNode cfg) {
            ObjectNode l = JSON.createObjectNode();
            l.put("class_name", cls);
            l.set("config", cfg);
            l.put("name", name);
            ArrayNode node = l.putArray("inbound_nodes").addArray();
            for (String in : ins) node.addArray().add(in).add(0).add(0).addObject();
            layers.add(l);
            return name;
        }

        String toJson(String output) {
            ((ObjectNode) model.get("config")).putArray("output_layers").addArray().add(output).add(0).add(0);
            model.put("keras_version", "2.2.4");
            model.put("backend", "tensorflow");
            return model.toString();
        }
    }
}
