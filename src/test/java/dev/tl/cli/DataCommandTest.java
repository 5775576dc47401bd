package dev.tl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.tl.cli.CliHarness.tl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class DataCommandTest {
    @TempDir
    Path tmp;

    @Test
    void checkReportsAndExitsZeroForAUsableDataset() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"));
        tl("data", "check", data.toString()).expect(0).outContains("2 non-image or unsupported file(s)", "notes.jpg", "usable, with the warnings above");
        JsonNode j = new ObjectMapper().readTree(tl("data", "check", "--json", data.toString()).expect(0).out());
        assertEquals("tl.data-check/1", j.get("schema").asText());
        assertEquals(3, j.get("classes").size());
        assertEquals(2, j.get("findings").get(0).get("count").asInt());
    }

    @Test
    void checkExitsThreeForAnUnusableDataset() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"));
        Files.move(data.resolve("val/red"), data.resolve("val/yellow"));
        CliHarness.Result r = tl("data", "check", data.toString()).expect(3).noStackTrace().outContains("only in val: yellow", "unusable");
        assertFalse(r.out().isEmpty());
        tl("data").expect(2);
    }
}
