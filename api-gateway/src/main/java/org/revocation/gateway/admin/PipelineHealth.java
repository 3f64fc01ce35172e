package org.revocation.gateway.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The console's health panel: every {@code gateway.console.health-interval}, while someone watched the panel in the
 * last minute, one sample of the pipeline: the worker's propagation delay (p50/p99 over the interval, from its
 * Prometheus histogram), its consumer lag and events applied, and this gateway's late answers. The last
 * {@value #SAMPLES} samples are kept for the chart.
 */
@Component
class PipelineHealth implements DisposableBean {

	static final int SAMPLES = 40;

	private static final Duration WATCHED = Duration.ofMinutes(1);

	private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+).*$");

	private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final URI workerMetrics;

	private final MeterRegistry meters;

	private final Clock clock;

	private final ArrayDeque<Sample> samples = new ArrayDeque<>();

	private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "console-health");
		thread.setDaemon(true);
		return thread;
	});

	private volatile Instant watchedAt = Instant.EPOCH;

	private Scrape previous;

	PipelineHealth(ConsoleProperties properties, MeterRegistry meters, Clock clock) {
		this.workerMetrics = URI.create(properties.workerMetricsUri());
		this.meters = meters;
		this.clock = clock;
		if (properties.enabled()) {
			long millis = properties.healthInterval().toMillis();
			this.sampler.scheduleWithFixedDelay(this::sampleIfWatched, 0, millis, TimeUnit.MILLISECONDS);
		}
	}

	/** The samples so far, oldest first; marks the panel as watched. */
	synchronized List<Sample> samples() {
		boolean idle = this.watchedAt.plus(WATCHED).isBefore(this.clock.instant());
		this.watchedAt = this.clock.instant();
		if (idle) {
			this.sampler.execute(this::sampleIfWatched); // the first look gets a fresh sample at once
		}
		return new ArrayList<>(this.samples);
	}

	private void sampleIfWatched() {
		if (this.watchedAt.plus(WATCHED).isBefore(this.clock.instant())) {
			return;
		}
		try {
			sample();
		}
		catch (RuntimeException ex) {
			// the next tick tries again; the panel shows the worker as unreachable meanwhile
		}
	}

	void sample() {
		Scrape scrape = scrapeWorker(); // outside the lock: a slow worker must not hold up the page
		synchronized (this) {
			add(scrape);
		}
	}

	private void add(Scrape scrape) {
		Counter late = this.meters.find("gateway.revocations.late").counter();
		double lateTotal = (late != null) ? late.count() : 0;
		Sample sample;
		if (scrape == null) {
			sample = new Sample(this.clock.millis(), false, null, null, null, null, null, null, (long) lateTotal);
		}
		else {
			// the first sample, or one after the worker restarted, has no interval: only the totals since its start
			Scrape since = (this.previous != null && this.previous.count() <= scrape.count()) ? this.previous : null;
			TreeMap<Double, Double> interval = (since != null) ? scrape.minus(since) : new TreeMap<>();
			Long events = (since != null) ? (long) (scrape.count() - since.count()) : null;
			sample = new Sample(this.clock.millis(), true, millis(quantile(interval, 0.5)), millis(quantile(interval, 0.99)),
					millis(quantile(scrape.buckets(), 0.5)), millis(quantile(scrape.buckets(), 0.99)),
					(long) scrape.lag(), events, (long) lateTotal);
			this.previous = scrape;
		}
		this.samples.addLast(sample);
		while (this.samples.size() > SAMPLES) {
			this.samples.removeFirst();
		}
	}

	private Scrape scrapeWorker() {
		try {
			HttpResponse<String> response = this.http.send(
					HttpRequest.newBuilder(this.workerMetrics).timeout(Duration.ofSeconds(2)).GET().build(),
					HttpResponse.BodyHandlers.ofString());
			return (response.statusCode() == 200) ? parse(response.body()) : null;
		}
		catch (java.io.IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	/** The parts of the worker's Prometheus text the panel needs; series of one name are summed. */
	static Scrape parse(String text) {
		TreeMap<Double, Double> buckets = new TreeMap<>();
		double count = 0;
		double lag = 0;
		for (String line : text.split("\n")) {
			if (line.startsWith("#")) {
				continue;
			}
			Matcher matcher = LINE.matcher(line.trim());
			if (!matcher.matches()) {
				continue;
			}
			String name = matcher.group(1);
			double value;
			try {
				value = Double.parseDouble(matcher.group(3));
			}
			catch (NumberFormatException ex) {
				continue;
			}
			if (name.equals("revocation_propagation_delay_seconds_bucket") && matcher.group(2) != null) {
				Matcher le = LE.matcher(matcher.group(2));
				if (le.find()) {
					double bound = le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
					buckets.merge(bound, value, Double::sum);
				}
			}
			else if (name.equals("revocation_propagation_delay_seconds_count")) {
				count += value;
			}
			else if (name.equals("revocation_consumer_lag")) {
				lag += value;
			}
		}
		return new Scrape(buckets, count, lag);
	}

	/** Prometheus' histogram_quantile: the bucket holding the rank, linearly interpolated; null without events. */
	static Double quantile(TreeMap<Double, Double> cumulative, double q) {
		if (cumulative.isEmpty()) {
			return null;
		}
		double total = cumulative.lastEntry().getValue();
		if (total <= 0) {
			return null;
		}
		double rank = q * total;
		double lowerBound = 0;
		double lowerCount = 0;
		for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
			if (bucket.getValue() >= rank) {
				if (bucket.getKey().isInfinite()) {
					return lowerBound;
				}
				double inBucket = bucket.getValue() - lowerCount;
				double fraction = (inBucket > 0) ? (rank - lowerCount) / inBucket : 1;
				return lowerBound + (bucket.getKey() - lowerBound) * fraction;
			}
			lowerBound = bucket.getKey();
			lowerCount = bucket.getValue();
		}
		return lowerBound;
	}

	private static Double millis(Double seconds) {
		return (seconds != null) ? Math.round(seconds * 10_000.0) / 10.0 : null;
	}

	@Override
	public void destroy() {
		this.sampler.shutdownNow();
	}

	/** One scrape of the worker: cumulative histogram buckets (upper bound in seconds → count), count and lag. */
	record Scrape(TreeMap<Double, Double> buckets, double count, double lag) {

		TreeMap<Double, Double> minus(Scrape earlier) {
			TreeMap<Double, Double> delta = new TreeMap<>();
			this.buckets.forEach((bound, value) -> delta.put(bound,
					value - ((earlier != null) ? earlier.buckets().getOrDefault(bound, 0.0) : 0)));
			return delta;
		}
	}

	/**
	 * One point of the panel.
	 *
	 * @param at when it was taken (epoch millis)
	 * @param workerUp whether the worker's metrics answered
	 * @param p50Millis propagation delay, median over the interval (null when no event was applied)
	 * @param p99Millis propagation delay, 99th percentile over the interval
	 * @param p50SinceStartMillis median since the worker started
	 * @param p99SinceStartMillis 99th percentile since the worker started
	 * @param consumerLag the worker's consumer lag (records)
	 * @param events events applied over the interval
	 * @param lateAnswers this gateway's revocations answered after the in-force bound, since it started
	 */
	record Sample(long at, boolean workerUp, Double p50Millis, Double p99Millis, Double p50SinceStartMillis,
			Double p99SinceStartMillis, Long consumerLag, Long events, long lateAnswers) {
	}
}
