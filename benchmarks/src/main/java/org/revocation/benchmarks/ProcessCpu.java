package org.revocation.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * CPU time of a process from {@code /proc/<pid>/stat} (user + system, fields 14 and 15, in clock ticks), so that a
 * figure can be divided by the work done in between: CPU per revocation, per process (issue 17).
 */
final class ProcessCpu {

	private static final long TICKS_PER_SECOND = ticksPerSecond();

	private ProcessCpu() {
	}

	/** CPU milliseconds the process used so far, or -1 when it cannot be read. */
	static double millis(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
			// the command name (field 2) is in parentheses and may hold spaces: count from after its ')'
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
			long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields 14 and 15 of the line
			return ticks * 1000.0 / TICKS_PER_SECOND;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	/** CPU milliseconds of each process, by name. */
	static Map<String, Double> snapshot(Map<String, Long> pids) {
		Map<String, Double> millis = new LinkedHashMap<>();
		pids.forEach((name, pid) -> millis.put(name, millis(pid)));
		return millis;
	}

	private static long ticksPerSecond() {
		try {
			Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
			process.waitFor(5, TimeUnit.SECONDS);
			return Long.parseLong(output);
		}
		catch (IOException | RuntimeException ex) {
			return 100;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return 100;
		}
	}
}
