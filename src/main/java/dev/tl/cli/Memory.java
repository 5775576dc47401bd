package dev.tl.cli;

/**
 * Recognises ND4J's out-of-memory failures (an {@link OutOfMemoryError}, or a RuntimeException from the
 * native allocator whose message says "Failed to allocate", possibly wrapped) and words the one-line advice:
 * the batch size is the knob a user can turn without changing what is trained.
 */
final class Memory {
    private Memory() {}

    static boolean isOutOfMemory(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof OutOfMemoryError || String.valueOf(c.getMessage()).contains("Failed to allocate")) return true;
        }
        return false;
    }

    static String message(int batchSize) {
        if (batchSize <= 1) {
            return "out of memory at batch size " + batchSize + "; free memory (or raise -Xmx / ND4J's off-heap limit) or use a smaller backbone";
        }
        return "out of memory at batch size " + batchSize + "; try --batch-size " + (batchSize / 2)
                + " (or raise -Xmx / ND4J's off-heap limit)";
    }
}
