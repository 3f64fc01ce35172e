package org.revocation.tokenchecker.token;

/** A path names a tenant that is neither a known tenant id nor a verified domain (answered AADSTS90002). */
public class TenantNotFoundException extends RuntimeException {

	private final String tenant;

	public TenantNotFoundException(String tenant) {
		super("unknown tenant");
		this.tenant = tenant;
	}

	public String tenant() {
		return this.tenant;
	}
}
