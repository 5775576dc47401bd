package dev.tl.explain;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/** The PNGs of {@code tl explain} and {@code tl dream}, drawn with Java2D. */
public final class Pictures {
    /** Side of one panel: network inputs smaller than this are scaled up (nearest neighbour: pixels stay visible). */
    public static final int PANEL = 224;
    static final int PAD = 10;
    static final int TITLE_H = 20;

    private Pictures() {}

    /** A label and its probability, for the text under an explanation. */
    public record Label(String name, double probability) {}

    /**
     * Three panels side by side, each the network's input view: the image, the Grad-CAM heat map over it and
     * the saliency map; under them the class explained and the top-k labels.
     *
     * @param rgb       the image as the network sees it (after resize and crop), {@code [h][w][3]}, 0..255
     * @param cam       Grad-CAM upsampled to h x w, any scale (normalized here by its maximum)
     * @param saliency  h x w, any scale (normalized here by its 99.5th percentile: a few pixels dominate)
     */
    public static BufferedImage explanation(double[] rgb, int h, int w, double[] cam, double[] saliency, String camLayer,
                                            String explained, double explainedP, List<Label> top, String source) {
        int side = Math.max(PANEL, Math.max(h, w));
        int lines = 2 + top.size();
        int width = PAD + 3 * (side + PAD);
        int height = PAD + TITLE_H + side + PAD + lines * 17 + PAD;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = begin(out);
        try {
            BufferedImage input = Pixels.image(rgb, h, w);
            BufferedImage heat = overlay(rgb, h, w, normalize(cam, 1.0));
            BufferedImage sal = gray(normalize(saliency, 0.995), h, w);
            String[] titles = {"input (as the model sees it)", "Grad-CAM (" + camLayer + ")", "saliency |d logit / d pixel|"};
            BufferedImage[] panels = {input, heat, sal};
            Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
            for (int i = 0; i < 3; i++) {
                int x = PAD + i * (side + PAD);
                g.setColor(Color.BLACK);
                g.setFont(font.deriveFont(Font.BOLD));
                g.drawString(fit(titles[i], g.getFontMetrics(), side), x, PAD + 13);
                draw(g, panels[i], x, PAD + TITLE_H, side);
            }
            int y = PAD + TITLE_H + side + PAD + 12;
            g.setFont(font.deriveFont(Font.BOLD));
            g.setColor(Color.BLACK);
            g.drawString(fit(String.format(Locale.ROOT, "explained: %s (p = %.4f)", explained, explainedP), g.getFontMetrics(), width - 2 * PAD), PAD, y);
            g.setFont(font);
            for (int i = 0; i < top.size(); i++) {
                y += 17;
                Label l = top.get(i);
                g.drawString(fit(String.format(Locale.ROOT, "%d. %s  %.4f", i + 1, l.name(), l.probability()), g.getFontMetrics(), width - 2 * PAD), PAD, y);
            }
            y += 17;
            g.setColor(Color.GRAY);
            g.drawString(fit("model: " + source, g.getFontMetrics(), width - 2 * PAD), PAD, y);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Snapshots of a dream side by side, each labelled with its step and the class probability. */
    public static BufferedImage strip(List<Dream.Snapshot> snaps, int h, int w, String className) {
        int side = Math.max(128, Math.min(Math.max(h, w), 160));
        int width = PAD + snaps.size() * (side + PAD);
        int height = PAD + TITLE_H + side + PAD + 2 * 16;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = begin(out);
        try {
            Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
            g.setFont(font.deriveFont(Font.BOLD));
            g.setColor(Color.BLACK);
            g.drawString(fit("dream of '" + className + "': start, intermediate steps, result", g.getFontMetrics(), width - 2 * PAD), PAD, PAD + 13);
            g.setFont(font);
            for (int i = 0; i < snaps.size(); i++) {
                Dream.Snapshot s = snaps.get(i);
                int x = PAD + i * (side + PAD);
                draw(g, Pixels.image(s.rgb(), h, w), x, PAD + TITLE_H, side);
                g.setColor(Color.BLACK);
                g.drawString("step " + s.step(), x, PAD + TITLE_H + side + 16);
                g.drawString(String.format(Locale.ROOT, "p = %.4f", s.probability()), x, PAD + TITLE_H + side + 32);
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    private static Graphics2D begin(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        return g;
    }

    /** Scaled to fit a side x side square: smooth when shrinking, nearest neighbour when enlarging. */
    private static void draw(Graphics2D g, BufferedImage img, int x, int y, int side) {
        double s = Math.min((double) side / img.getWidth(), (double) side / img.getHeight());
        int tw = (int) Math.round(img.getWidth() * s), th = (int) Math.round(img.getHeight() * s);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
                s > 1 ? RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR : RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, x + (side - tw) / 2, y + (side - th) / 2, tw, th, null);
    }

    /** Divided by its {@code quantile} value (1.0 = the maximum) and clipped to 0..1; all zero stays zero. */
    static double[] normalize(double[] m, double quantile) {
        double[] sorted = m.clone();
        java.util.Arrays.sort(sorted);
        double top = sorted[Math.min(sorted.length - 1, (int) Math.floor(quantile * (sorted.length - 1)))];
        if (!(top > 0)) top = sorted[sorted.length - 1];
        double[] out = new double[m.length];
        if (!(top > 0)) return out;
        for (int i = 0; i < m.length; i++) out[i] = Math.max(0, Math.min(1, m[i] / top));
        return out;
    }

    /** The heat map in a blue-cyan-yellow-red palette over a dimmed grey copy of the image, opaque where hot. */
    static BufferedImage overlay(double[] rgb, int h, int w, double[] heat) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < h * w; i++) {
            double grey = 0.7 * (0.299 * rgb[i * 3] + 0.587 * rgb[i * 3 + 1] + 0.114 * rgb[i * 3 + 2]);
            int[] c = palette(heat[i]);
            double a = 0.25 + 0.5 * heat[i];
            int r = Pixels.to8((1 - a) * grey + a * c[0]);
            int gg = Pixels.to8((1 - a) * grey + a * c[1]);
            int b = Pixels.to8((1 - a) * grey + a * c[2]);
            img.setRGB(i % w, i / w, r << 16 | gg << 8 | b);
        }
        return img;
    }

    static BufferedImage gray(double[] m, int h, int w) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < h * w; i++) {
            int v = Pixels.to8(255 * m[i]);
            img.setRGB(i % w, i / w, v << 16 | v << 8 | v);
        }
        return img;
    }

    /** 0 dark blue, 0.35 cyan, 0.65 yellow, 1 red. */
    static int[] palette(double t) {
        double[][] stops = {{0, 0, 0, 140}, {0.35, 0, 200, 230}, {0.65, 255, 230, 0}, {1, 220, 0, 0}};
        for (int i = 1; i < stops.length; i++) {
            if (t <= stops[i][0]) {
                double u = (t - stops[i - 1][0]) / (stops[i][0] - stops[i - 1][0]);
                return new int[]{(int) (stops[i - 1][1] + u * (stops[i][1] - stops[i - 1][1])),
                        (int) (stops[i - 1][2] + u * (stops[i][2] - stops[i - 1][2])),
                        (int) (stops[i - 1][3] + u * (stops[i][3] - stops[i - 1][3]))};
            }
        }
        return new int[]{220, 0, 0};
    }

    private static String fit(String s, FontMetrics fm, int width) {
        if (fm.stringWidth(s) <= width) return s;
        String t = s;
        while (t.length() > 1 && fm.stringWidth(t + "\u2026") > width) t = t.substring(0, t.length() - 1);
        return t + "\u2026";
    }
}
