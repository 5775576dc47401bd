package dev.tl.report;

import dev.tl.metrics.Evaluation;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYAnnotation;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.Marker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.Layer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The charts: valid PNGs of the documented size, and what they draw comes from the data. */
class ChartsTest {
    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static final List<String> CLASSES = List.of("ants", "bees", "wasps");

    @Test
    void everyChartIsAPngOfTheDocumentedSize() {
        Evaluation ev = Fixtures.evaluation(CLASSES, 60, 3);
        EvalDoc doc = EvalDoc.of(Fixtures.json(ev));
        List<JFreeChart> charts = List.of(
                Charts.learningCurves(MetricsCsv.parse(Fixtures.METRICS_CSV.lines().toList())),
                Charts.confusionHeatmap(doc.classes(), doc.confusion()),
                Charts.reliability(doc.bins(), doc.ece()));
        for (JFreeChart c : charts) {
            BufferedImage img = Fixtures.decode(Charts.png(c));
            assertEquals(Charts.WIDTH, img.getWidth(), c.getTitle().getText());
            assertEquals(Charts.HEIGHT, img.getHeight(), c.getTitle().getText());
        }
    }

    @Test
    void cellLabelsAreTheCounts() {
        long[][] m = {{7, 0, 12}, {3, 1005, 2}, {0, 0, 9}};
        String[][] labels = Charts.cellLabels(m);
        assertArrayEquals(new String[] {"7", "0", "12"}, labels[0]);
        assertArrayEquals(new String[] {"3", "1005", "2"}, labels[1]);
        assertArrayEquals(new String[] {"0", "0", "9"}, labels[2]);
    }

    /** The numbers drawn on the heatmap are the cell labels, one per cell at (predicted, true), and add up to n. */
    @Test
    void heatmapDrawsTheMatrixAndItSumsToTheSampleCount() {
        Evaluation ev = Fixtures.evaluation(CLASSES, 61, 5);
        EvalDoc doc = EvalDoc.of(Fixtures.json(ev));
        long total = 0;
        for (long[] row : doc.confusion()) for (long v : row) total += v;
        assertEquals(ev.size(), total, "confusion counts add up to the evaluation set size");

        XYPlot plot = Charts.confusionHeatmap(doc.classes(), doc.confusion()).getXYPlot();
        String[][] labels = Charts.cellLabels(doc.confusion());
        List<XYTextAnnotation> texts = texts(plot.getAnnotations());
        assertEquals(9, texts.size());
        long drawnSum = 0;
        for (XYTextAnnotation a : texts) {
            int p = (int) a.getX(), t = (int) a.getY();
            assertEquals(labels[t][p], a.getText(), "cell true=" + t + " predicted=" + p);
            drawnSum += Long.parseLong(a.getText());
        }
        assertEquals(ev.size(), drawnSum);
    }

    @Test
    void oneMarkerPerPhaseChangeNamedAfterTheNewPhase() {
        List<MetricsCsv.Epoch> epochs = MetricsCsv.parse(Fixtures.METRICS_CSV.lines().toList());
        assertEquals(List.of(new MetricsCsv.PhaseChange(2.5, "stage4"), new MetricsCsv.PhaseChange(4.5, "stage3")),
                MetricsCsv.phaseChanges(epochs));
        CombinedDomainXYPlot plot = (CombinedDomainXYPlot) Charts.learningCurves(epochs).getPlot();
        List<XYPlot> panels = plot.getSubplots();
        assertEquals(2, panels.size(), "loss and accuracy panels");
        List<ValueMarker> top = markers(panels.get(0));
        assertEquals(2, top.size());
        assertEquals(List.of("stage4", "stage3"), top.stream().map(Marker::getLabel).toList());
        assertEquals(List.of(2.5, 4.5), top.stream().map(ValueMarker::getValue).toList());
        assertEquals(2, markers(panels.get(1)).size());
    }

    @Test
    void singlePhaseRunHasNoMarkers() {
        String csv = Fixtures.METRICS_CSV.lines().limit(3).reduce("", (a, b) -> a + b + "\n");
        List<MetricsCsv.Epoch> epochs = MetricsCsv.parse(csv.lines().toList());
        assertEquals(2, epochs.size());
        CombinedDomainXYPlot plot = (CombinedDomainXYPlot) Charts.learningCurves(epochs).getPlot();
        for (XYPlot p : plot.getSubplots()) assertTrue(markers(p).isEmpty());
    }

    @Test
    void reliabilityShowsEceAndEveryBinCount() {
        Evaluation ev = Fixtures.evaluation(CLASSES, 60, 9);
        EvalDoc doc = EvalDoc.of(Fixtures.json(ev));
        JFreeChart c = Charts.reliability(doc.bins(), doc.ece());
        assertTrue(c.getTitle().getText().contains(String.format(java.util.Locale.ROOT, "ECE %.4f", ev.expectedCalibrationError())),
                c.getTitle().getText());
        List<XYTextAnnotation> texts = texts(c.getXYPlot().getAnnotations());
        assertEquals(10, texts.size());
        long sum = texts.stream().mapToLong(a -> Long.parseLong(a.getText().substring(2))).sum();
        assertEquals(60, sum, "bin counts shown add up to n");
    }

    @Test
    void mistakeGridHasOneTilePerMistakeAndSurvivesMissingImages(@TempDir Path data) {
        Evaluation ev = Fixtures.evaluation(CLASSES, 60, 3);
        EvalDoc doc = EvalDoc.of(Fixtures.json(ev));
        assertEquals(10, doc.wrong().size());
        Fixtures.images(data, ev);
        BufferedImage img = MistakeGrid.render(doc.wrong(), data);
        assertEquals(MistakeGrid.width(10), img.getWidth());
        assertEquals(MistakeGrid.height(10), img.getHeight());
        assertEquals(2 * (MistakeGrid.THUMB + MistakeGrid.LABEL_H + MistakeGrid.PAD) + MistakeGrid.PAD, img.getHeight());
        // with no data dir every tile is a placeholder, and it still renders
        BufferedImage none = MistakeGrid.render(doc.wrong(), null);
        assertEquals(img.getWidth(), none.getWidth());
        // an id escaping the data dir is not read
        assertNull(MistakeGrid.load(data, "../../etc/passwd"));
    }

    private static List<XYTextAnnotation> texts(List<XYAnnotation> annotations) {
        List<XYTextAnnotation> out = new ArrayList<>();
        for (XYAnnotation a : annotations) if (a instanceof XYTextAnnotation t) out.add(t);
        return out;
    }

    private static List<ValueMarker> markers(XYPlot p) {
        Collection<?> m = p.getDomainMarkers(Layer.FOREGROUND);
        List<ValueMarker> out = new ArrayList<>();
        if (m != null) for (Object o : m) out.add((ValueMarker) o);
        return out;
    }
}
