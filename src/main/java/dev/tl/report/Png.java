package dev.tl.report;

import dev.tl.run.AtomicFiles;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;

/** PNG output for {@link AtomicFiles}: the one place that turns a picture into a PNG file. */
public final class Png {
    private Png() {}

    /** Writes {@code img} as PNG to the temporary file {@link AtomicFiles} hands over. */
    public static AtomicFiles.Writer of(BufferedImage img) {
        return tmp -> {
            if (!ImageIO.write(img, "png", tmp.toFile())) throw new IOException("no PNG writer");
        };
    }
}
