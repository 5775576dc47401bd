package dev.tl.report;


import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The picture of an adversarial attack: original | perturbation (magnified, grey = no change) | adversarial,
 * each at the model's input resolution (small inputs enlarged with nearest-neighbour so pixels stay
 * pixels), with lines of text under each tile; and 8-bit RGB images written atomically.
 */
public final class AttackPanel {
    static final int PAD = 12;
    static final int LINE = 17;
    static final int MIN_TILE = 224;

    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private AttackPanel() {}

    /** The perturbation's magnification: the largest change maps to about 127 levels from grey. */
    public static int magnification(double linf) {
        return linf <= 0 ? 1 : Math.max(1, (int) Math.floor(127 / linf));
    }

    /**
     * @param original    8-bit RGB pixels, interleaved {@code [h][w][3]}
     * @param adversarial same size
     * @param captions    three lists of lines: under the original, the perturbation and the adversarial
     */
    public static BufferedImage render(float[] original, float[] adversarial, int w, int h, int factor, List<List<String>> captions) {
        float[] delta = new float[original.length];
        for (int i = 0; i < delta.length; i++) delta[i] = Math.max(0, Math.min(255, 128 + factor * (adversarial[i] - original[i])));
        BufferedImage[] tiles = {image(original, w, h), image(delta, w, h), image(adversarial, w, h)};
        int scale = Math.max(1, (int) Math.ceil((double) MIN_TILE / Math.max(w, h)));
        int tw = w * scale;
        int th = h * scale;
        int lines = captions.stream().mapToInt(List::size).max().orElse(0);
        BufferedImage img = new BufferedImage(PAD + 3 * (tw + PAD), PAD + th + 6 + lines * LINE + PAD, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
            Font bold = font.deriveFont(Font.BOLD);
            for (int t = 0; t < 3; t++) {
                int x = PAD + t * (tw + PAD);
                g.drawImage(tiles[t], x, PAD, tw, th, null);
                List<String> cap = t < captions.size() ? captions.get(t) : List.of();
                for (int l = 0; l < cap.size(); l++) {
                    g.setFont(l == 0 ? bold : font);
                    g.setColor(l == 0 ? Color.BLACK : Color.DARK_GRAY);
                    g.drawString(fit(cap.get(l), g.getFontMetrics(), tw), x, PAD + th + 6 + (l + 1) * LINE - 4);
                }
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    private static String fit(String s, FontMetrics fm, int width) {
        if (fm.stringWidth(s) <= width) return s;
        String t = s;
        while (t.length() > 1 && fm.stringWidth(t + "\u2026") > width) t = t.substring(0, t.length() - 1);
        return t + "\u2026";
    }

    /** An RGB image from interleaved pixels, each rounded and clamped to 0..255. */
    public static BufferedImage image(float[] rgb, int w, int h) {
        if (rgb.length != 3 * w * h) throw new IllegalArgumentException(rgb.length + " values for " + w + "x" + h);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] argb = new int[w * h];
        for (int i = 0; i < argb.length; i++) {
            argb[i] = level(rgb[3 * i]) << 16 | level(rgb[3 * i + 1]) << 8 | level(rgb[3 * i + 2]);
        }
        img.setRGB(0, 0, w, h, argb, 0, w);
        return img;
    }

    private static int level(float v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }
}
