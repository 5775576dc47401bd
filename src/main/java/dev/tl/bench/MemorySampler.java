package dev.tl.bench;

import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * Peak memory over a stretch of work. ND4J keeps tensors off the Java heap, so the heap alone says little:
 * this samples ND4J's off-heap total ({@code Nd4j.getMemoryManager().allocatedMemory(0)}: JavaCPP's
 * {@link Pointer#totalBytes()} plus the buffers and workspaces ND4J tracks itself, which JavaCPP does not see)
 * and {@link Pointer#physicalBytes()} (the process's resident set) on a daemon thread, because neither keeps
 * a peak of its own; the heap peak comes from the JVM's memory pools, whose peaks are reset at start. The
 * resident set never shrinks much, so its peak includes whatever the process held before the sampler began.
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
        long off = Nd4j.getMemoryManager().allocatedMemory(0);
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
