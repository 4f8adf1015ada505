package dev.optc.runtime.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Splits a range of elements across worker threads. The split depends only on the range and the thread count, never
 * on timing, so results are the same from run to run for a given thread count.
 */
public final class Workers {
    /** Below this many elements per thread, the threads cost more than they save. */
    private static final int MIN_PER_THREAD = 1 << 15;
    private static volatile int threads = Math.max(1, Integer.getInteger("optc.threads", Runtime.getRuntime().availableProcessors()));
    private static ExecutorService pool;

    private Workers() {
    }

    @FunctionalInterface
    public interface RangeTask {
        void run(int from, int to);
    }

    public static int threads() {
        return threads;
    }

    public static synchronized void setThreads(int count) {
        if (count < 1) throw new IllegalArgumentException("threads must be at least 1, not " + count);
        threads = count;
    }

    /** Runs {@code task} over [0, n) in contiguous chunks (multiples of 64 elements), the caller taking the first. */
    public static void forRange(int n, RangeTask task) {
        int parts = Math.min(threads, Math.max(1, n / MIN_PER_THREAD));
        if (parts <= 1) {
            task.run(0, n);
            return;
        }
        int chunk = ((n + parts - 1) / parts + 63) & ~63;
        List<Future<?>> pending = new ArrayList<>(parts - 1);
        ExecutorService executor = executor();
        for (int from = chunk; from < n; from += chunk) {
            int start = from;
            int end = Math.min(n, from + chunk);
            pending.add(executor.submit(() -> task.run(start, end)));
        }
        task.run(0, Math.min(n, chunk));
        for (Future<?> f : pending) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a worker", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    private static synchronized ExecutorService executor() {
        if (pool == null) {
            pool = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "optc-worker");
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }
}
