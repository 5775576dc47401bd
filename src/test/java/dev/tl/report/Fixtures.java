package dev.tl.report;

import dev.tl.metrics.Bootstrap;
import dev.tl.metrics.Evaluation;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small deterministic evaluations and image folders for the report tests. */
final class Fixtures {
    private Fixtures() {}

    /**
     * {@code n} samples of {@code classes}; about 70% right, with confidences spread over the bins. Ids are
     * {@code <class index>/img<i>.png}, relative to whatever data dir {@link #images} fills.
     */
    static Evaluation evaluation(List<String> classes, int n, long seed) {
        Random rnd = new Random(seed);
        int c = classes.size();
        int[] truth = new int[n];
        float[][] p = new float[n][c];
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            truth[i] = i % c;
            int pred = rnd.nextDouble() < 0.7 ? truth[i] : (truth[i] + 1 + rnd.nextInt(c - 1)) % c;
            float conf = (float) (1.0 / c + (1 - 1.0 / c) * (0.2 + 0.8 * rnd.nextDouble()));
            float rest = (1 - conf) / (c - 1);
            for (int j = 0; j < c; j++) p[i][j] = j == pred ? conf : rest;
            ids[i] = "c" + truth[i] + "/img" + i + ".png";
        }
        return new Evaluation(classes, truth, p, ids);
    }

    static Map<String, Object> json(Evaluation ev) {
        return ev.toJson(new Bootstrap(200, 1).run(ev));
    }

    /** Writes a small coloured PNG for every id of {@code ev} under {@code dir}. */
    static void images(Path dir, Evaluation ev) {
        Map<String, Object> j = json(ev);
        for (Object o : (List<?>) j.get("most_confident_wrong")) {
            String id = (String) ((Map<?, ?>) o).get("id");
            BufferedImage img = new BufferedImage(48, 32, BufferedImage.TYPE_INT_RGB);
            var g = img.createGraphics();
            g.setColor(new Color(id.hashCode() & 0xffffff));
            g.fillRect(0, 0, 48, 32);
            g.setColor(Color.WHITE);
            g.fillOval(10, 4, 24, 24);
            g.dispose();
            try {
                Path f = dir.resolve(id);
                Files.createDirectories(f.getParent());
                ImageIO.write(img, "png", f.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static BufferedImage decode(byte[] png) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            if (img == null) throw new AssertionError("not a decodable image");
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final String METRICS_CSV = """
            phase_index,phase,epoch,phase_epoch,train_loss,train_accuracy,val_loss,val_accuracy,head_lr,seconds,featurize_seconds,images_per_second,data_wait_seconds
            0,head,1,1,1.100000,0.400000,1.000000,0.450000,0.001,1.0,0.5,100.0,0.0
            0,head,2,2,0.900000,0.550000,0.850000,0.600000,0.001,1.0,0.0,100.0,0.0
            1,stage4,3,1,0.700000,0.700000,0.750000,0.650000,0.0001,1.0,0.5,100.0,0.0
            1,stage4,4,2,0.500000,0.800000,0.720000,0.700000,0.0001,1.0,0.0,100.0,0.0
            2,stage3,5,1,0.400000,0.850000,0.700000,0.720000,3e-05,1.0,0.5,100.0,0.0
            """;
}
