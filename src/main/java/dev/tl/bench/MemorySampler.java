package dev.tl.bench;

import org.bytedeco.javacpp.Pointer;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * Peak memory over a stretch of work. ND4J keeps tensors off the Java heap, so the heap alone says little:
 * this samples JavaCPP's {@link Pointer#totalBytes()} (off-heap bytes ND4J allocated through JavaCPP) and
 * {@link Pointer#physicalBytes()} (the process's resident set) on a daemon thread, because neither keeps a
 * peak of its own; the heap peak comes from the JVM's memory pools, whose peaks are reset at start.
 */
public final class MemorySampler implements AutoCloseable {
    /** Peaks in bytes. */
    public record Peaks(long heapBytes, long offHeapBytes, long physicalBytes) {}

    private final Thread thread;
    private volatile boolean running = true;
    private volatile long maxOffHeap;
    private volatile long maxPhysical;

    public MemorySampler(long periodMillis) {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.isValid()) p.resetPeakUsage();
        }
        sample();
        thread = new Thread(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "tl-bench-memory");
        thread.setDaemon(true);
        thread.start();
    }

    private void sample() {
        long off = Pointer.totalBytes();
        long phys = Pointer.physicalBytes();
        if (off > maxOffHeap) maxOffHeap = off;
        if (phys > maxPhysical) maxPhysical = phys;
    }

    /** Peaks so far (the sampler keeps running). */
    public Peaks peaks() {
        sample();
        long heap = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.isValid() && p.getPeakUsage() != null) heap += p.getPeakUsage().getUsed();
        }
        return new Peaks(heap, maxOffHeap, maxPhysical);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
