package dev.tl.data;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The quickstart dataset download, against a server on loopback: checked by fingerprint, atomic, with a fix. */
class DatasetFetcherTest {
    private static byte[] zipOfTinyDataset(Path scratch) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Files.createDirectories(scratch);
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (String split : new String[]{"train", "val"}) {
                for (String cls : new String[]{"ants", "bees"}) {
                    zip.putNextEntry(new ZipEntry("hymenoptera_data/" + split + "/" + cls + "/a.png"));
                    zip.write(Files.readAllBytes(TestImages.png(scratch.resolve(split + cls + ".png"), cls.equals("ants") ? 0xff0000 : 0x00ff00)));
                    zip.closeEntry();
                }
            }
        }
        return bytes.toByteArray();
    }

    private static HttpServer serve(byte[] body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/data.zip", ex -> {
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        return server;
    }

    @Test
    void downloadWithTheExpectedFingerprintIsMovedIntoPlace(@TempDir Path dir) throws IOException {
        byte[] zip = zipOfTinyDataset(dir.resolve("scratch"));
        Path probe = dir.resolve("probe");
        try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                Path out = probe.resolve(e.getName());
                Files.createDirectories(out.getParent());
                Files.write(out, in.readAllBytes());
            }
        }
        Path root = probe.resolve("hymenoptera_data");
        String fp = DataFingerprint.of(root, ImageFolder.scan(root, 0.2, 0)).sha256();
        HttpServer server = serve(zip);
        try {
            Path target = dir.resolve("data/hymenoptera");
            DatasetFetcher.fetch(target, "http://127.0.0.1:" + server.getAddress().getPort() + "/data.zip", fp, new PrintWriter(new StringWriter()));
            assertTrue(Files.isRegularFile(target.resolve("train/ants/a.png")));
            assertFalse(Files.exists(dir.resolve("data/.hymenoptera.tmp")));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aDownloadThatDoesNotMatchIsRefusedAndLeavesNothing(@TempDir Path dir) throws IOException {
        HttpServer server = serve(zipOfTinyDataset(dir.resolve("scratch")));
        try {
            Path target = dir.resolve("data/hymenoptera");
            DataException e = assertThrows(DataException.class, () -> DatasetFetcher.fetch(target,
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/data.zip", DatasetFetcher.HYMENOPTERA_FINGERPRINT, new PrintWriter(new StringWriter())));
            assertTrue(e.getMessage().contains("does not match the expected fingerprint"), e.getMessage());
            assertTrue(e.getMessage().contains("ln -s /path/to/hymenoptera"), e.getMessage());
            assertFalse(Files.exists(target));
            try (var s = Files.list(dir.resolve("data"))) {
                assertEquals(java.util.List.of(), s.toList(), "temporary files left behind");
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anUnreachableHostSaysHowToSupplyTheData(@TempDir Path dir) {
        Path target = dir.resolve("data/hymenoptera");
        DataException e = assertThrows(DataException.class, () -> DatasetFetcher.fetch(target,
                "http://127.0.0.1:9/hymenoptera_data.zip", "x", new PrintWriter(new StringWriter())));
        assertTrue(e.getMessage().startsWith(target + ": missing, and http://127.0.0.1:9/hymenoptera_data.zip could not be fetched"), e.getMessage());
        assertTrue(e.getMessage().contains("Fix: download"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
