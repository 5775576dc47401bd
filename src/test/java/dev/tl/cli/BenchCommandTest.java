package dev.tl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tl.model.FastPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static dev.tl.cli.CliHarness.tl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tl bench} on the tiny backbone: every figure present and positive, medians inside their spread. No timing bars. */
class BenchCommandTest {
    @TempDir
    Path tmp;

    @Test
    void quickJsonOnTiny() throws Exception {
        FastPath.enable();
        CliHarness.Result r = tl("bench", "--backbone", "tiny", "--quick", "--json", "--models-dir", tmp.toString()).expect(0).noStackTrace();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals("tl.bench/1", root.get("schema").asText());
        checkStats(root.get("matmulGflops"), "matmulGflops");
        JsonNode b = root.get("backbones").get(0);
        assertEquals("tiny", b.get("backbone").asText());
        assertTrue(b.get("gflopPerImage").asDouble() > 0 && b.get("fractionOfFp32Peak").asDouble() > 0, b.toString());
        for (String f : List.of("inferenceBatch1", "inferenceBest", "featureExtraction", "trainHeadOnCachedFeatures",
                "trainHeadFrozenBackbone", "trainFull")) {
            checkStats(b.get(f), f);
        }
        assertEquals(3, b.get("inferenceBatched").size());
        for (JsonNode f : b.get("inferenceBatched")) checkStats(f.get("imagesPerSecond"), "batch " + f.get("batch"));
        for (Iterator<Map.Entry<String, JsonNode>> it = b.get("peakMemory").fields(); it.hasNext(); ) {
            var e = it.next();
            assertTrue(e.getValue().asLong() > 0, "peakMemory." + e.getKey() + ": " + b.get("peakMemory"));
        }
        // the table renders too
        tl("bench", "--backbone", "tiny", "--quick", "--models-dir", tmp.toString()).expect(0)
                .outContains("inference, batch 1", "train whole network", "of the FP32 peak", "peak memory");
    }

    @Test
    void unknownBackboneIsUsageError() {
        tl("bench", "--backbone", "nope", "--quick").expect(ExitCode.USAGE).noStackTrace().errContains("nope", "resnet50");
    }

    private static void checkStats(JsonNode s, String name) {
        double med = s.get("median").asDouble(), min = s.get("min").asDouble(), max = s.get("max").asDouble();
        assertTrue(min > 0 && min <= med && med <= max, name + ": " + s);
        assertTrue(s.get("runs").asInt() >= 3, name + ": " + s);
    }
}
