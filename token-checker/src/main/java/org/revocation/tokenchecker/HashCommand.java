package org.revocation.tokenchecker;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import org.revocation.core.directory.Application;

/**
 * Prints the stored form of a new value for the directory file: {@code password <value>} gives a {@code {bcrypt}}
 * hash, {@code secret <value>} a {@code {sha256}} hash. Run it from the token-checker jar (README, "Hashing").
 */
public final class HashCommand {

	private HashCommand() {
	}

	public static void main(String[] args) {
		if (args.length != 2 || !(args[0].equals("password") || args[0].equals("secret"))) {
			System.err.println("usage: HashCommand password|secret <value>");
			System.exit(2);
		}
		System.out.println(args[0].equals("password") ? "{bcrypt}" + new BCryptPasswordEncoder(10).encode(args[1])
				: Application.hashSecret(args[1]));
	}
}
