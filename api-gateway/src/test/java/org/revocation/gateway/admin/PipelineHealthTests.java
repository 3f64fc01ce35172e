package org.revocation.gateway.admin;

import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PipelineHealthTests {

	private static final String WORKER = """
			# HELP revocation_propagation_delay_seconds from the gateway accepting a revocation to its cutoff written
			# TYPE revocation_propagation_delay_seconds histogram
			revocation_propagation_delay_seconds_bucket{application="revocation-worker",le="0.001"} 0
			revocation_propagation_delay_seconds_bucket{application="revocation-worker",le="0.005"} 50
			revocation_propagation_delay_seconds_bucket{application="revocation-worker",le="0.01"} 98
			revocation_propagation_delay_seconds_bucket{application="revocation-worker",le="0.1"} 100
			revocation_propagation_delay_seconds_bucket{application="revocation-worker",le="+Inf"} 100
			revocation_propagation_delay_seconds_count{application="revocation-worker"} 100
			revocation_propagation_delay_seconds_sum{application="revocation-worker"} 0.42
			# TYPE revocation_consumer_lag gauge
			revocation_consumer_lag{application="revocation-worker"} 7.0
			""";

	@Test
	void parseWhenWorkerMetricsThenBucketsCountAndLag() {
		PipelineHealth.Scrape scrape = PipelineHealth.parse(WORKER);
		assertThat(scrape.count()).isEqualTo(100);
		assertThat(scrape.lag()).isEqualTo(7);
		assertThat(scrape.buckets()).hasSize(5).containsEntry(0.005, 50.0).containsEntry(Double.POSITIVE_INFINITY, 100.0);
	}

	@Test
	void quantileWhenHistogramThenInterpolatesWithinTheBucket() {
		TreeMap<Double, Double> buckets = PipelineHealth.parse(WORKER).buckets();
		assertThat(PipelineHealth.quantile(buckets, 0.5)).isCloseTo(0.005, within(1e-9));
		assertThat(PipelineHealth.quantile(buckets, 0.99)).isCloseTo(0.055, within(1e-9));
	}

	@Test
	void quantileWhenNoEventsThenNull() {
		assertThat(PipelineHealth.quantile(new TreeMap<>(), 0.5)).isNull();
		PipelineHealth.Scrape scrape = PipelineHealth.parse(WORKER);
		assertThat(PipelineHealth.quantile(scrape.minus(scrape), 0.99)).isNull();
	}

	@Test
	void minusWhenEarlierScrapeThenOnlyTheIntervalCounts() {
		PipelineHealth.Scrape earlier = PipelineHealth.parse(WORKER.replace("} 98", "} 50").replace("le=\"0.1\"} 100",
				"le=\"0.1\"} 50").replace("le=\"+Inf\"} 100", "le=\"+Inf\"} 50"));
		TreeMap<Double, Double> interval = PipelineHealth.parse(WORKER).minus(earlier);
		assertThat(interval.lastEntry().getValue()).isEqualTo(50);
		assertThat(PipelineHealth.quantile(interval, 0.5)).isCloseTo(0.005 + 0.005 * 25 / 48, within(1e-9));
	}
}
