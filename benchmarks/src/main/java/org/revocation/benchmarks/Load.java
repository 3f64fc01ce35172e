package org.revocation.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/** Closed-loop and open-loop load, bounded in requests and in time. */
final class Load {

	private Load() {
	}

	/** Successful operations per second of {@code callers} threads calling {@code operation} for {@code duration}. */
	static double closedLoop(int callers, Duration duration, IntPredicate operation) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(callers);
		AtomicLong ok = new AtomicLong();
		AtomicLong failed = new AtomicLong();
		long end = System.nanoTime() + duration.toNanos();
		long started = System.nanoTime();
		List<Future<?>> futures = new ArrayList<>();
		for (int c = 0; c < callers; c++) {
			int caller = c;
			futures.add(pool.submit(() -> {
				long n = 0;
				while (System.nanoTime() < end && n++ < 10_000_000) {
					if (operation.test(caller)) {
						ok.incrementAndGet();
					}
					else {
						failed.incrementAndGet();
					}
				}
			}));
		}
		for (Future<?> future : futures) {
			future.get(duration.toSeconds() + 120, TimeUnit.SECONDS);
		}
		pool.shutdown();
		double seconds = (System.nanoTime() - started) / 1e9;
		if (failed.get() > ok.get() / 100) {
			System.out.printf("  warning: %d of %d requests failed%n", failed.get(), failed.get() + ok.get());
		}
		return ok.get() / seconds;
	}

	/**
	 * Starts {@code count} tasks at {@code perSecond} (open loop: a slow answer does not slow the schedule) and returns
	 * each task's result, e.g. a latency in nanoseconds (negative: failed).
	 */
	static List<Long> openLoop(int perSecond, int count, IntFunction<Long> task) throws Exception {
		ExecutorService pool = Executors.newCachedThreadPool();
		List<Future<Long>> futures = new ArrayList<>();
		long start = System.nanoTime();
		long interval = 1_000_000_000L / perSecond;
		for (int i = 0; i < count; i++) {
			long due = start + i * interval;
			long wait = due - System.nanoTime();
			if (wait > 0) {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
			int index = i;
			futures.add(pool.submit(() -> task.apply(index)));
		}
		List<Long> results = new ArrayList<>();
		for (Future<Long> future : futures) {
			results.add(future.get(300, TimeUnit.SECONDS));
		}
		pool.shutdown();
		return results;
	}

	/** Runs {@code count} calls with {@code parallelism} threads (setup work: sign-ins, user creation). */
	static <T> List<T> parallel(int parallelism, int count, IntFunction<T> call) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(parallelism);
		List<Future<T>> futures = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			int index = i;
			futures.add(pool.submit(() -> call.apply(index)));
		}
		List<T> results = new ArrayList<>();
		for (Future<T> future : futures) {
			results.add(future.get(600, TimeUnit.SECONDS));
		}
		pool.shutdown();
		return results;
	}

	/** Percentile of sorted nanosecond values, in milliseconds. */
	static double millis(List<Long> values, double quantile) {
		List<Long> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		int index = (int) Math.min(sorted.size() - 1, Math.max(0, Math.ceil(quantile * sorted.size()) - 1));
		return sorted.get(index) / 1e6;
	}
}
