package org.revocation.core.event;

import java.util.Objects;

/**
 * Who asked for a revocation: a signed-in user (delegated token) or an application (app-only token).
 *
 * @param type user or application
 * @param id the user's object id, or the application's client id
 */
public record Actor(Type type, String id) {

	public enum Type { USER, APPLICATION }

	public Actor {
		Objects.requireNonNull(type, "type cannot be null");
		Objects.requireNonNull(id, "id cannot be null");
	}

	public static Actor user(String userId) {
		return new Actor(Type.USER, userId);
	}

	public static Actor application(String clientId) {
		return new Actor(Type.APPLICATION, clientId);
	}
}
