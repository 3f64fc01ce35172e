package org.revocation.tokenchecker.refresh;

/** A presented refresh token that is not one of ours: malformed, tampered with, or encrypted with an unknown key. */
public class InvalidRefreshTokenException extends RuntimeException {

	public InvalidRefreshTokenException(String reason) {
		super(reason);
	}
}
