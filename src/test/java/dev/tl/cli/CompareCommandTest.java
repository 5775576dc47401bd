package dev.tl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tl.bench.Leaderboard;
import dev.tl.model.FastPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.tl.cli.CliHarness.tl;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tl compare} on tiny synthetic data: four strategies, leaderboard files, a recommendation. */
class CompareCommandTest {
    @TempDir
    Path tmp;

    @Test
    void fourStrategiesLeaderboard() throws Exception {
        FastPath.enable();
        Path data = CliHarness.dataset(tmp.resolve("data"));
        Path runs = tmp.resolve("runs");
        CliHarness.Result r = tl("compare", "--data", data.toString(), "--backbone", "tiny", "--epochs", "1",
                "--runs-dir", runs.toString(), "--models-dir", tmp.resolve("models").toString()).expect(0).noStackTrace();
        r.outContains("recommendation: ", "feature-extract", "progressive");
        List<Path> dirs = CliHarness.runDirs(runs);
        assertEquals(1, dirs.size(), dirs.toString());
        Path dir = dirs.get(0);
        assertTrue(dir.getFileName().toString().startsWith("compare-"), dir.toString());

        List<String> csv = Files.readAllLines(dir.resolve(Leaderboard.CSV));
        assertEquals(Leaderboard.CSV_HEADER, csv.get(0));
        assertEquals(5, csv.size(), csv.toString());
        Set<String> strategies = csv.stream().skip(1).map(l -> l.split(",")[0]).collect(Collectors.toSet());
        assertEquals(Set.of("feature-extract", "head-replace", "fine-tune", "progressive"), strategies);

        JsonNode json = new ObjectMapper().readTree(dir.resolve(Leaderboard.JSON_FILE).toFile());
        assertEquals(4, json.get("rows").size());
        for (JsonNode row : json.get("rows")) {
            double acc = row.get("accuracy").asDouble();
            assertTrue(row.get("ciLow").asDouble() <= acc && acc <= row.get("ciHigh").asDouble(), row.toString());
            assertTrue(row.get("wallSeconds").asDouble() > 0 && row.get("imagesPerSecond").asDouble() > 0, row.toString());
            assertTrue(Files.isRegularFile(Path.of(row.get("run").asText()).resolve("summary.json")), row.toString());
        }
        String rec = json.get("recommendation").get("strategy").asText();
        assertTrue(strategies.contains(rec), rec);
        assertTrue(json.get("recommendation").get("reason").asText().length() > 20);

        byte[] png = Files.readAllBytes(dir.resolve(Leaderboard.PNG));
        assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
    }
}
