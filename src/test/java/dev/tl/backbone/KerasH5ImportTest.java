package dev.tl.backbone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keras weights-only HDF5 import, on files written in the exact layout of the official
 * {@code *_tf_dim_ordering_tf_kernels*.h5} files: every DL4J parameter must equal the written value after
 * the documented layout conversion (conv kernels HWIO to DL4J's OIHW; biases and dense kernels unchanged).
 */
class KerasH5ImportTest {
    static {
        TestEnv.init();
    }

    @Test
    void squeezenetLayoutRoundTripsAndImportsParameterForParameter(@TempDir Path tmp) throws Exception {
        String arch = KerasArchitectures.squeezenet11("avg");
        KerasWeightsH5.Contents written = GeneratedWeights.forArchitecture(arch, 7, "_3");
        assertEquals(722_496L, written.paramCount());
        Path h5 = tmp.resolve("squeezenet_weights_tf_dim_ordering_tf_kernels_notop.h5");
        KerasWeightsH5.write(h5, written);
        KerasWeightsH5.Contents read = KerasWeightsH5.read(h5);
        assertEquals(List.copyOf(written.layers().keySet()), List.copyOf(read.layers().keySet()));
        assertEquals("2.2.4", read.kerasVersion());
        assertEquals("tensorflow", read.backend());
        ComputationGraph g = KerasH5Model.load(arch, h5);
        assertEquals(722_496L, g.numParams());
        assertParamsEqual(g, written);
    }

    @Tag("slow")
    @Test
    void vgg16NotopImportsParameterForParameter(@TempDir Path tmp) throws Exception {
        String arch = KerasArchitectures.vgg16(false, "avg");
        KerasWeightsH5.Contents written = GeneratedWeights.forArchitecture(KerasArchitectures.vgg16(false, null), 16, "");
        assertEquals(14_714_688L, written.paramCount());
        Path h5 = tmp.resolve("vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5");
        KerasWeightsH5.write(h5, written);
        ComputationGraph g = KerasH5Model.load(arch, h5);
        assertEquals(Backbones.get("vgg16").paramCount(), g.numParams());
        assertParamsEqual(g, written);

        // through the cache: the published checksum rejects this (generated) file with one line naming it ...
        ModelCache cache = new ModelCache(tmp.resolve("models"), TestEnv.log());
        BackboneSpec vgg = Backbones.get("vgg16");
        WeightsException e = assertThrows(WeightsException.class, () -> cache.pull(vgg, h5));
        assertTrue(e.getMessage().startsWith(h5 + ": checksum does not match the published md5"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
        assertTrue(!Files.exists(cache.dir(vgg)), "nothing left in the cache after a failed pull");
        // ... and a spec that trusts it converts, caches and restores it, with the documented anatomy
        BackboneSpec trusting = ModelCacheTest.withIntegrity(vgg, null);
        cache.pull(trusting, tmp);
        ComputationGraph restored = cache.load(trusting);
        assertEquals(14_714_688L, restored.numParams());
        StageMap sm = StageMap.of(restored.getConfiguration(), trusting);
        for (String s : trusting.stages().keySet()) assertTrue(!sm.vertices(s).isEmpty(), s);
        INDArray f = restored.feedForward(org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 224, 224, 3), false).get("avg_pool");
        assertArrayEquals(new long[]{1, 512}, f.shape());
        assertTrue(dev.tl.model.FastPath.check(restored).allFast(), dev.tl.model.FastPath.check(restored).toString());
    }

    /** Conv2D: DL4J W[o][i][y][x] == Keras kernel[y][x][i][o]; Dense: W[i][o] == kernel[i][o]; biases as is. */
    static void assertParamsEqual(ComputationGraph g, KerasWeightsH5.Contents written) {
        int checked = 0;
        for (var e : written.layers().entrySet()) {
            for (KerasWeightsH5.Weight w : e.getValue()) {
                INDArray p = g.getLayer(e.getKey()).getParam(w.param().equals("kernel") ? "W" : "b");
                long[] s = w.shape();
                float[] d = w.data();
                if (w.param().equals("kernel") && s.length == 4) {
                    assertArrayEquals(new long[]{s[3], s[2], s[0], s[1]}, p.shape(), e.getKey());
                    for (int y = 0; y < s[0]; y++)
                        for (int x = 0; x < s[1]; x++)
                            for (int i = 0; i < s[2]; i++)
                                for (int o = 0; o < s[3]; o++) {
                                    float expected = d[(int) (((y * s[1] + x) * s[2] + i) * s[3] + o)];
                                    if (p.getFloat(o, i, y, x) != expected) {
                                        throw new AssertionError(e.getKey() + " W[" + o + "," + i + "," + y + "," + x + "] = " + p.getFloat(o, i, y, x) + ", written " + expected);
                                    }
                                }
                } else {
                    assertArrayEquals(d, p.dup('c').data().asFloat(), 0f, e.getKey() + "/" + w.param());
                }
                checked++;
            }
        }
        assertTrue(checked > 0);
    }

    /** The architectures written in code match the keras.applications JSON layer for layer. */
    @Test
    void vgg16ArchitectureMatchesKerasApplications() throws Exception {
        ObjectMapper om = new ObjectMapper();
        for (boolean top : new boolean[]{true, false}) {
            JsonNode ours = om.readTree(KerasArchitectures.vgg16(top, null)).path("config");
            JsonNode keras = om.readTree(TestEnv.sharedFile("weights/keras_architectures/" + (top ? "vgg16" : "vgg16_notop") + "_keras_model.json").toFile()).path("config");
            assertEquals(summary(keras), summary(ours));
            assertEquals(keras.path("output_layers").toString(), ours.path("output_layers").toString());
        }
    }

    private static List<String> summary(JsonNode config) {
        List<String> out = new ArrayList<>();
        for (JsonNode l : config.path("layers")) {
            JsonNode c = l.path("config");
            StringBuilder sb = new StringBuilder(l.path("class_name").asText() + " " + l.path("name").asText() + " <- " + l.path("inbound_nodes"));
            for (String k : new String[]{"batch_input_shape", "filters", "kernel_size", "strides", "padding", "dilation_rate", "activation", "use_bias", "pool_size", "units", "data_format"}) {
                if (c.has(k)) sb.append(' ').append(k).append('=').append(c.get(k));
            }
            out.add(sb.toString());
        }
        return out;
    }
}
