package dev.tl.cli;

import dev.tl.backbone.TfjsLayersModel;
import dev.tl.model.FastPath;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import java.nio.file.Path;

public class Main {
    public static void main(String[] a) throws Exception {
        FastPath.enable();
        long t0 = System.nanoTime();
        ComputationGraph g = TfjsLayersModel.open(Path.of(a[0])).toComputationGraph();
        System.out.println("load s " + (System.nanoTime() - t0) / 1e9);
        System.out.println(FastPath.check(g));
        System.out.println(g.getConfiguration().getVertices().get("conv1"));
        System.out.println(g.numParams());
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 16, 224, 224, 3).muli(100);
        for (int i = 0; i < 6; i++) {
            long t = System.nanoTime();
            INDArray o = g.outputSingle(x);
            System.out.println("b16 img/s " + 16 / ((System.nanoTime() - t) / 1e9) + " " + java.util.Arrays.toString(o.shape()));
        }
    }
}
