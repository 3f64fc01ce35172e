package org.revocation.tokenchecker.session;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

import org.revocation.core.directory.DirectoryUser;
import org.revocation.core.directory.Tenant;
import org.revocation.tokenchecker.token.OAuthException;

/**
 * A user's password check, shared by the sign-in page and the password grant: the user must exist in the tenant, not
 * be locked out ({@link Lockout}), and present the right password; every wrong password counts towards the lockout.
 */
@Component
public class PasswordSignIn {

	private static final Logger log = LoggerFactory.getLogger(PasswordSignIn.class);

	private final Lockout lockout;

	private final PasswordEncoder passwords = PasswordEncoderFactories.createDelegatingPasswordEncoder();

	public PasswordSignIn(Lockout lockout) {
		this.lockout = lockout;
	}

	/**
	 * @throws OAuthException {@code invalid_grant} AADSTS50034 (no such user), AADSTS50053 (locked), AADSTS50126
	 * (wrong password)
	 */
	public DirectoryUser authenticate(Tenant tenant, String username, String password) {
		DirectoryUser user = tenant.user(username).filter((u) -> u.userPrincipalName().equalsIgnoreCase(username))
			.orElseThrow(() -> OAuthException.invalidGrant(50034, "The user account {EUII Hidden} does not exist in "
					+ "the " + tenant.id() + " directory. To sign into this application, the account must be added to "
					+ "the directory."));
		if (this.lockout.isLocked(tenant.id(), user.id())) {
			log.info("sign-in refused, account locked tenant={} user={}", tenant.id(), user.id());
			throw locked();
		}
		if (user.passwordHash() == null || password == null || !this.passwords.matches(password, user.passwordHash())) {
			boolean nowLocked = this.lockout.recordFailure(tenant.id(), user.id());
			log.info("password sign-in refused tenant={} user={} locked={}", tenant.id(), user.id(), nowLocked);
			throw OAuthException.invalidGrant(50126, "Error validating credentials due to invalid username or password.");
		}
		this.lockout.reset(tenant.id(), user.id());
		return user;
	}

	private static OAuthException locked() {
		return new OAuthException(HttpStatus.BAD_REQUEST, "invalid_grant", 50053, "Your account is locked because "
				+ "you've tried to sign in too many times with an incorrect user ID or password.");
	}
}
