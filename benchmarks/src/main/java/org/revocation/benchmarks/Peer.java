package org.revocation.benchmarks;

import java.util.List;
import java.util.Map;

/** One of the two systems under test, through the operations the benchmarks compare. */
interface Peer extends AutoCloseable {

	/** A session of a benchmark user: its refresh and access tokens. */
	record Session(String userId, String refreshToken, String accessToken) {
	}

	String name();

	/** Prepares {@code count} benchmark users (ours: a directory file; Keycloak: its admin REST API). */
	void createUsers(int count) throws Exception;

	String userId(int user);

	/** A password sign-in of benchmark user {@code user}. */
	Session signIn(int user);

	/** The token endpoint, the public client that signs users in, the introspection endpoint and its credentials. */
	String tokenUrl();

	String publicClientId();

	String introspectUrl();

	String introspectAuthorization();

	default Web.Answer refresh(String refreshToken) {
		return Web.form(tokenUrl(), refreshForm(refreshToken), null);
	}

	private Map<String, String> refreshForm(String refreshToken) {
		return Map.of("grant_type", "refresh_token", "client_id", publicClientId(), "refresh_token", refreshToken);
	}

	/** Whether the answer is the refusal of a revoked (logged out) session. */
	boolean isRefused(Web.Answer refresh);

	default Web.Answer introspect(String accessToken) {
		return Web.form(introspectUrl(), Map.of("token", accessToken), introspectAuthorization());
	}

	Web.Answer clientCredentials();

	/** Ours: revokeSignInSessions through the gateway. Keycloak: the admin "log out all sessions" of the user. */
	Web.Answer revoke(String userId);

	/** The refresh of each of these sessions, for wrk: the same requests as {@link #refresh}. */
	default Wrk.Call refreshCall(List<Session> sessions) {
		return Wrk.Call.form(tokenUrl(), Map.of(),
				sessions.stream().map((s) -> Web.encode(refreshForm(s.refreshToken()))).toList());
	}

	/** The introspection of each of these sessions' access tokens, for wrk: the same requests as {@link #introspect}. */
	default Wrk.Call introspectCall(List<Session> sessions) {
		return Wrk.Call.form(introspectUrl(), Map.of("Authorization", introspectAuthorization()),
				sessions.stream().map((s) -> Web.encode(Map.of("token", s.accessToken()))).toList());
	}

	/** A client_credentials grant, for wrk. */
	Wrk.Call clientCredentialsCall();

	/** The revocation of each of these users (with a fresh credential: it must last the run), for wrk. */
	Wrk.Call revokeCall(List<String> userIds);

	/** Revocations through Graph JSON batching, {@code size} per {@code $batch} request, for wrk; null without it. */
	default Wrk.Call batchRevokeCall(List<String> userIds, int size) {
		return null;
	}

	/** The processes of the system (JVMs, broker, Redis), by name, for CPU per operation. */
	java.util.Map<String, Long> pids();

	/** Resident set size of the system's JVMs, in kB, by process name. */
	java.util.Map<String, Long> rssKb();

	static long rss(long pid) {
		try {
			java.nio.file.Path status = java.nio.file.Path.of("/proc", Long.toString(pid), "status");
			for (String line : java.nio.file.Files.readAllLines(status)) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", ""));
				}
			}
		}
		catch (java.io.IOException ex) {
			// gone
		}
		return -1;
	}
}
