package dev.tl.report;

import dev.tl.data.ImageDecoder;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A grid of the most confidently wrong validation images, each thumbnail labelled with the true class, the
 * predicted class and the confidence.
 *
 * <p>Why plain Java2D: it is a contact sheet, not a chart. Why look at all: the most confident mistakes are
 * usually mislabeled images or one systematic confusion, which no aggregate number shows.
 *
 * <p>Ids in the eval document are paths relative to the data directory; an id that does not resolve to a
 * readable image inside that directory is drawn as a grey tile saying so, never an error (the report must
 * still be written when the data moved).
 */
final class MistakeGrid {
    static final int COLUMNS = 5;
    static final int THUMB = 160;
    static final int PAD = 10;
    static final int LABEL_H = 54;

    private MistakeGrid() {}

    /** Image size for {@code count} tiles: up to {@link #COLUMNS} per row. */
    static int width(int count) {
        return PAD + Math.min(COLUMNS, Math.max(count, 1)) * (THUMB + PAD);
    }

    static int height(int count) {
        int rows = Math.max(1, (count + COLUMNS - 1) / COLUMNS);
        return PAD + rows * (THUMB + LABEL_H + PAD);
    }

    /** @param dataDir directory the ids are relative to; may be null (tiles then say "image not found") */
    static BufferedImage render(List<EvalDoc.Wrong> wrong, Path dataDir) {
        int n = wrong.size();
        BufferedImage img = new BufferedImage(width(n), height(n), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
            Font bold = font.deriveFont(Font.BOLD);
            for (int i = 0; i < n; i++) {
                EvalDoc.Wrong w = wrong.get(i);
                int x = PAD + (i % COLUMNS) * (THUMB + PAD);
                int y = PAD + (i / COLUMNS) * (THUMB + LABEL_H + PAD);
                BufferedImage src = load(dataDir, w.id());
                g.setColor(new Color(0xeeeeee));
                g.fillRect(x, y, THUMB, THUMB);
                if (src != null) {
                    double s = Math.min((double) THUMB / src.getWidth(), (double) THUMB / src.getHeight());
                    int tw = Math.max(1, (int) Math.round(src.getWidth() * s));
                    int th = Math.max(1, (int) Math.round(src.getHeight() * s));
                    g.drawImage(src, x + (THUMB - tw) / 2, y + (THUMB - th) / 2, tw, th, null);
                } else {
                    g.setColor(Color.DARK_GRAY);
                    g.setFont(font);
                    g.drawString("image not found", x + 30, y + THUMB / 2);
                }
                g.setColor(new Color(0xd62728));
                g.drawRect(x, y, THUMB - 1, THUMB - 1);
                g.setColor(Color.BLACK);
                g.setFont(bold);
                FontMetrics fm = g.getFontMetrics();
                g.drawString(fit("true: " + w.trueClass(), fm), x, y + THUMB + 15);
                g.setFont(font);
                fm = g.getFontMetrics();
                g.drawString(fit(String.format(Locale.ROOT, "pred: %s (%.1f%%)", w.predicted(), 100 * w.confidence()), fm),
                        x, y + THUMB + 31);
                g.setColor(Color.GRAY);
                g.drawString(fitTail(w.id(), fm), x, y + THUMB + 47);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Shortens {@code s} with an ellipsis until it fits the thumbnail width. */
    private static String fit(String s, FontMetrics fm) {
        if (fm.stringWidth(s) <= THUMB) return s;
        String t = s;
        while (t.length() > 1 && fm.stringWidth(t + "\u2026") > THUMB) t = t.substring(0, t.length() - 1);
        return t + "\u2026";
    }

    /** Keeps the end of an id (the file name and its folder are what tell two images apart). */
    private static String fitTail(String s, FontMetrics fm) {
        if (fm.stringWidth(s) <= THUMB) return s;
        String t = s;
        while (t.length() > 1 && fm.stringWidth("\u2026" + t) > THUMB) t = t.substring(1);
        return "\u2026" + t;
    }

    /** The image for an id, or null when it is not a readable image inside {@code dataDir}. */
    static BufferedImage load(Path dataDir, String id) {
        if (dataDir == null || id == null || id.startsWith("#")) return null;
        try {
            Path root = dataDir.toAbsolutePath().normalize();
            Path p = root.resolve(id).normalize();
            if (!p.startsWith(root) || !Files.isRegularFile(p)) return null;
            return ImageDecoder.read(p);
        } catch (RuntimeException e) { // unreadable or invalid path: a grey tile, not a failed report
            return null;
        }
    }
}
