package dev.tl.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryTest {
    @Test
    void recognisesNd4jAndJvmOutOfMemory() {
        assertTrue(Memory.isOutOfMemory(new OutOfMemoryError("Java heap space")));
        assertTrue(Memory.isOutOfMemory(new RuntimeException("Failed to allocate 123456 bytes")));
        assertTrue(Memory.isOutOfMemory(new IllegalStateException("wrapped", new RuntimeException("Failed to allocate [8 GB]"))));
        assertFalse(Memory.isOutOfMemory(new IllegalStateException("shape mismatch")));
        assertFalse(Memory.isOutOfMemory(new RuntimeException((String) null)));
    }

    @Test
    void messageNamesBatchSizeAndSuggestsHalf() {
        String m = Memory.message(32);
        assertTrue(m.startsWith("out of memory at batch size 32; try --batch-size 16"), m);
        assertFalse(m.contains("\n"));
        assertFalse(Memory.message(1).contains("--batch-size 0"));
    }

    @Test
    void trainExitsOneWithTheMessage() {
        TlException e = new TlException(ExitCode.INTERNAL, Memory.message(8), new OutOfMemoryError());
        assertEquals(ExitCode.INTERNAL, e.exitCode());
    }
}
