package dev.tl.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** toYaml writes the resolved config so that parsing it gives the same config back. */
class RoundTripTest {
    static Stream<Path> examples() throws IOException {
        return ExampleConfigsTest.examples().stream();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void examplesRoundTrip(Path file) {
        TlConfig c = ConfigLoader.load(file);
        assertEquals(c, ConfigLoader.parse(ConfigLoader.toYaml(c), "resolved.yaml"), ConfigLoader.toYaml(c));
    }

    @Test
    void trickyScalarsRoundTrip() {
        for (String name : List.of("123", "true", "yes", "null", "1e5", "0x10", "-", ".5")) {
            TlConfig c = DefaultsTest.parse("tiny", "name: progressive\nstage_lr: {stage2: 1.0e-7}",
                    "output: {name: '" + name + "', dir: '~'}\ntraining: {seed: -9007199254740993}\n");
            c = c.apply(new Overrides(null, null, Path.of("no"), null, null, null));
            assertEquals(Path.of("~"), c.output().dir());
            assertEquals(name, c.output().name());
            String yaml = ConfigLoader.toYaml(c);
            assertEquals(c, ConfigLoader.parse(yaml, "resolved.yaml"), yaml);
        }
    }

    @Test
    void resolvedYamlSpellsOutDefaults() {
        String yaml = ConfigLoader.toYaml(DefaultsTest.parse("resnet50", "name: progressive", ""));
        assertTrue(yaml.contains("- stage4"), yaml);
        assertTrue(yaml.contains("name: progressive"), "plain strings stay unquoted: " + yaml);
        assertTrue(yaml.contains("batch_size: 16"), yaml);
        assertTrue(yaml.contains("views: 4"), yaml);
        assertFalse(yaml.contains("unfreeze_from"), yaml);
        assertFalse(yaml.contains("null"), yaml);
    }

    @Test
    void resolvedYamlIsAValidConfigFile(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        TlConfig c = ConfigLoader.load(Path.of("configs/fine-tune.yaml"));
        Path f = dir.resolve("config.yaml");
        Files.writeString(f, ConfigLoader.toYaml(c));
        assertEquals(c, ConfigLoader.load(f));
    }
}
