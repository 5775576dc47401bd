package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * Compatibility shim that lets DL4J 1.0.0-M2.1 use its oneDNN layer helpers.
 *
 * <p>{@code BaseMKLDNNHelper.mklDnnEnabled()} looks up {@code org.nd4j.nativeblas.Nd4jCpu$Environment}
 * by reflection and calls {@code getInstance().isUseMKLDNN()}. In M2.1 the binding moved to
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment} and the method was renamed
 * {@code isUseONEDNN()}; the failed lookup is cached for the JVM's life and every conv, BatchNorm and
 * pooling helper is silently dropped (5-8x slower). This class restores the old name and forwards to the
 * real binding. It uses reflection so that the {@code cuda} profile, which has no CPU binding, still
 * compiles; there it simply reports {@code false}.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {}

    public static final class Environment {
        private static final Environment INSTANCE = new Environment();
        private final boolean useOneDnn;

        private Environment() {
            boolean v;
            try {
                Class<?> real = Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
                Object env = real.getMethod("getInstance").invoke(null);
                Method m = real.getMethod("isUseONEDNN");
                v = (boolean) m.invoke(env);
            } catch (ReflectiveOperationException | LinkageError e) {
                v = false;
            }
            useOneDnn = v;
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** The name DL4J's helpers ask for; answers what the M2.1 binding calls {@code isUseONEDNN()}. */
        public boolean isUseMKLDNN() {
            return useOneDnn;
        }
    }
}
