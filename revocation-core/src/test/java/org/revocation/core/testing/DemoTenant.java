package org.revocation.core.testing;

/** The demo tenant of DESIGN.md section 6: ids and demo secrets, in one place for every module's tests. */
public final class DemoTenant {

	public static final String CONTOSO = "f914a70e-66af-4bd6-835d-1be02bff9399";
	public static final String FABRIKAM = "5bfdf2ce-069a-4987-8ac3-4257dc13555a";
	public static final String PERSONAL = "9188040d-6c67-4c5b-b112-36a304b66dad";

	public record User(String id, String upn, String password, String tenantId) {
	}

	public record App(String clientId, String secret, String tenantId) {
	}

	public static final User ADELE = new User("87ba7974-a82f-4328-bb32-3ab455d5d73b", "adele@contoso.test", "adele-Passw0rd!", CONTOSO);
	public static final User MEGAN = new User("2f337bd9-196f-4ee9-a18f-318032a4948d", "megan@contoso.test", "megan-Passw0rd!", CONTOSO);
	public static final User HENRY = new User("cb94a058-834f-4b00-acc7-72b1596bc246", "henry@contoso.test", "henry-Passw0rd!", CONTOSO);
	public static final User BOB = new User("04e0be6a-6173-4a8b-91fb-21ae1105967a", "bob@contoso.test", "bob-Passw0rd!", CONTOSO);
	public static final User CAROL = new User("88b75f24-45c2-4702-95ca-e36f9270c0f5", "carol@contoso.test", "carol-Passw0rd!", CONTOSO);
	public static final User FIONA = new User("e8b3b9a5-1127-4dad-9d35-edc7fd433e71", "fiona@fabrikam.test", "fiona-Passw0rd!", FABRIKAM);
	public static final User FRANK = new User("2e9b38f2-4fbe-40f4-b4ea-e99103cde854", "frank@fabrikam.test", "frank-Passw0rd!", FABRIKAM);
	public static final User PAT = new User("267c7c78-f66e-499a-b0ed-8a8fbcdff98a", "pat@outlook.test", "pat-Passw0rd!", PERSONAL);

	public static final App REVOCATION_DAEMON = new App("11d82b21-0e36-4476-9d16-c0a762e3a322", "daemon-secret-change-me", CONTOSO);
	public static final App DIRECTORY_DAEMON = new App("f6876790-0cc6-44e4-b873-2bc57fa4bea7", "directory-secret-change-me", CONTOSO);
	public static final App READER_DAEMON = new App("5483377e-af0c-4f6a-81a9-0ce6dc11109e", "reader-secret-change-me", CONTOSO);
	public static final App CONTOSO_PORTAL = new App("9ee5fffb-5208-4e29-8b56-3659dfc3344a", "portal-secret-change-me", CONTOSO);
	public static final App CONTOSO_CLI = new App("2bb55943-ddd6-48cc-8e79-2ef1dd045656", null, CONTOSO);
	public static final App FABRIKAM_DAEMON = new App("a0ddbb67-d69e-409a-be89-1d3c3bdef44f", "fabrikam-secret-change-me", FABRIKAM);
	public static final App PERSONAL_APP = new App("120d3d6b-e0a0-4309-92c5-9baa0050fc5c", null, PERSONAL);

	private DemoTenant() {
	}
}
