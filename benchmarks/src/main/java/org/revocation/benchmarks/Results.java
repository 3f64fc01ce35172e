package org.revocation.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every figure of the run, by system and name: one value per repetition, plus raw latency samples for the plots. */
final class Results {

	final Map<String, Map<String, List<Double>>> figures = new LinkedHashMap<>();

	final Map<String, Map<String, List<Long>>> samples = new LinkedHashMap<>();

	final Map<String, String> notes = new LinkedHashMap<>();

	void add(String system, String figure, double value) {
		this.figures.computeIfAbsent(system, (k) -> new LinkedHashMap<>()).computeIfAbsent(figure, (k) -> new ArrayList<>())
			.add(value);
		System.out.printf("RESULT %s | %s | %.3f%n", system, figure, value);
	}

	void samples(String system, String name, List<Long> nanos) {
		this.samples.computeIfAbsent(system, (k) -> new LinkedHashMap<>()).computeIfAbsent(name, (k) -> new ArrayList<>())
			.addAll(nanos);
	}

	List<Double> values(String system, String figure) {
		return this.figures.getOrDefault(system, Map.of()).getOrDefault(figure, List.of());
	}

	/** The median of the repetitions, NaN when the figure was not measured. */
	double median(String system, String figure) {
		List<Double> values = new ArrayList<>(values(system, figure));
		if (values.isEmpty()) {
			return Double.NaN;
		}
		Collections.sort(values);
		int n = values.size();
		return (n % 2 == 1) ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
	}

	/** "median (min–max, n=…)". */
	String cell(String system, String figure, String format) {
		List<Double> values = values(system, figure);
		if (values.isEmpty()) {
			return "–";
		}
		double min = Collections.min(values);
		double max = Collections.max(values);
		if (values.size() == 1) {
			return String.format(format, values.get(0));
		}
		return String.format(format + " (%s–%s, n=%d)", median(system, figure), String.format(format, min),
				String.format(format, max), values.size());
	}
}
