package dev.tl.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped example configs load, say what their names promise, and the built-in quickstart matches its file. */
class ExampleConfigsTest {
    static final Path CONFIGS = Path.of("configs");

    static List<Path> examples() throws IOException {
        try (Stream<Path> s = Files.list(CONFIGS)) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
    }

    @Test
    void allExpectedExamplesExist() throws IOException {
        List<String> names = examples().stream().map(p -> p.getFileName().toString()).toList();
        assertTrue(names.containsAll(List.of("quickstart.yaml", "feature-extract.yaml", "head-replace.yaml",
                "fine-tune.yaml", "progressive.yaml", "tiny.yaml")), names.toString());
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExampleLoads(Path file) {
        TlConfig c = ConfigLoader.load(file);
        assertEquals(Path.of("data/hymenoptera"), c.data().dir());
    }

    @Test
    void strategyResourcesAreByteIdenticalToConfigsFilesAndLoad() throws IOException {
        for (Strategy s : Strategy.values()) {
            String name = s.id() + ".yaml";
            try (InputStream in = ConfigLoader.class.getResourceAsStream("/dev/tl/config/" + name)) {
                assertNotNull(in, name);
                assertArrayEquals(Files.readAllBytes(CONFIGS.resolve(name)), in.readAllBytes(),
                        "src/main/resources/dev/tl/config/" + name + " differs from configs/" + name + "; copy one over the other");
            }
            assertEquals(s, ConfigLoader.strategyConfig(s).strategy().name());
        }
        // the shipped schedules, not the quickstart's 30 epochs
        assertEquals(4, ConfigLoader.strategyConfig(Strategy.FINE_TUNE).training().epochs());
        assertEquals(List.of(4, 3, 2), ConfigLoader.strategyConfig(Strategy.PROGRESSIVE).strategy().phases().stream().map(PhaseConfig::epochs).toList());
    }

    @Test
    void switchingBackboneCarriesStagesOverFromTheTop() {
        TlConfig prog = ConfigLoader.strategyConfig(Strategy.PROGRESSIVE).apply(new Overrides(null, null, null, "vgg16", null, null));
        assertEquals(List.of(List.of(), List.of("block5"), List.of("block4")),
                prog.strategy().phases().stream().map(PhaseConfig::unfreeze).toList());
        assertEquals(List.of(3.0e-5, 4, 2), List.of(prog.strategy().phases().get(2).lr(), prog.strategy().phases().get(0).epochs(),
                prog.strategy().phases().get(2).epochs()), "schedule kept");
        TlConfig tiny = ConfigLoader.strategyConfig(Strategy.PROGRESSIVE).apply(new Overrides(null, null, null, "tiny", null, null));
        assertEquals(List.of(List.of(), List.of("stage2"), List.of("stage1")), tiny.strategy().phases().stream().map(PhaseConfig::unfreeze).toList());
        TlConfig ft = ConfigLoader.strategyConfig(Strategy.FINE_TUNE).apply(new Overrides(null, null, null, "vgg16", null, null));
        assertEquals("block5", ft.strategy().unfreezeFrom());
    }

    @Test
    void quickstartResourceIsByteIdenticalToConfigsFile() throws IOException {
        byte[] file = Files.readAllBytes(CONFIGS.resolve("quickstart.yaml"));
        try (InputStream in = ConfigLoader.class.getResourceAsStream(ConfigLoader.QUICKSTART_RESOURCE)) {
            assertNotNull(in, ConfigLoader.QUICKSTART_RESOURCE);
            assertArrayEquals(file, in.readAllBytes(), "src/main/resources/dev/tl/config/quickstart.yaml differs "
                    + "from configs/quickstart.yaml; copy one over the other");
        }
    }

    @Test
    void quickstartIsAFastFeatureExtractionRun() {
        TlConfig q = ConfigLoader.quickstart();
        assertEquals(ConfigLoader.load(CONFIGS.resolve("quickstart.yaml")), q);
        assertEquals("resnet50", q.backbone().name());
        assertEquals(Strategy.FEATURE_EXTRACT, q.strategy().name());
        assertEquals(List.of(), q.strategy().head().hidden());
        assertEquals(30, q.training().epochs());
        assertEquals(16, q.training().batchSize());
        assertEquals(Optimizer.ADAM, q.training().optimizer());
        assertEquals(1e-3, q.training().lr());
    }

    @Test
    void examplesConfigureWhatTheirNamesSay() {
        TlConfig hr = ConfigLoader.load(CONFIGS.resolve("head-replace.yaml"));
        assertEquals(Strategy.HEAD_REPLACE, hr.strategy().name());
        assertEquals(new HeadConfig(List.of(256), 0.5), hr.strategy().head());

        TlConfig ft = ConfigLoader.load(CONFIGS.resolve("fine-tune.yaml"));
        assertEquals(Strategy.FINE_TUNE, ft.strategy().name());
        assertEquals("stage4", ft.strategy().unfreezeFrom());
        assertEquals(0.1, ft.strategy().backboneLrFactor());
        assertEquals(2, ft.data().augment().views());
        assertEquals(1e-4, ft.training().lr());

        TlConfig p = ConfigLoader.load(CONFIGS.resolve("progressive.yaml"));
        assertEquals(Strategy.PROGRESSIVE, p.strategy().name());
        assertEquals(List.of(
                new PhaseConfig("head", List.of(), 4, 1e-3, 0.1),
                new PhaseConfig("stage4", List.of("stage4"), 3, 1e-4, 0.1),
                new PhaseConfig("stage3", List.of("stage3"), 2, 3e-5, 0.3)), p.strategy().phases());
        assertEquals(Map.of(), p.strategy().stageLr());

        assertEquals(Strategy.FEATURE_EXTRACT,
                ConfigLoader.load(CONFIGS.resolve("feature-extract.yaml")).strategy().name());
        assertEquals("tiny", ConfigLoader.load(CONFIGS.resolve("tiny.yaml")).backbone().name());
    }
}
