package org.revocation.core.directory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The directory: tenants, their users and applications, loaded once from a JSON file (format: docs/directory.md;
 * the demo tenant of DESIGN.md section 6 is {@code config/demo-directory.json}, packaged as the default).
 */
public final class Directory {

	/** Classpath location of the demo directory, used when no file is configured. */
	public static final String DEMO_RESOURCE = "/org/revocation/core/directory/demo-directory.json";

	private static final JsonMapper MAPPER = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	private final List<Tenant> tenants;

	private final Map<String, Tenant> byIdOrDomain = new HashMap<>();

	private Directory(List<Tenant> tenants) {
		this.tenants = List.copyOf(tenants);
		for (Tenant tenant : this.tenants) {
			this.byIdOrDomain.put(tenant.id().toLowerCase(Locale.ROOT), tenant);
			tenant.domains().forEach((d) -> this.byIdOrDomain.put(d.toLowerCase(Locale.ROOT), tenant));
		}
	}

	/** The demo directory shipped in this module. */
	public static Directory demo() {
		try (InputStream in = Directory.class.getResourceAsStream(DEMO_RESOURCE)) {
			return read(Objects.requireNonNull(in, "demo directory missing from the classpath"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The directory in {@code file}, or the demo directory when {@code file} is null or blank. */
	public static Directory load(String file) {
		if (file == null || file.isBlank()) {
			return demo();
		}
		try (InputStream in = Files.newInputStream(Path.of(file))) {
			return read(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read directory file " + file, ex);
		}
	}

	static Directory read(InputStream in) {
		DirectoryFile file = MAPPER.readValue(in, DirectoryFile.class);
		return new Directory((file.tenants() != null) ? file.tenants() : List.of());
	}

	public List<Tenant> tenants() {
		return this.tenants;
	}

	/** A tenant by id or verified domain, case-insensitive. */
	public Optional<Tenant> tenant(String idOrDomain) {
		return (idOrDomain != null) ? Optional.ofNullable(this.byIdOrDomain.get(idOrDomain.toLowerCase(Locale.ROOT)))
				: Optional.empty();
	}

	/** The tenant whose domain the UPN names ({@code bob@contoso.test} → Contoso). */
	public Optional<Tenant> tenantOfUpn(String upn) {
		int at = (upn != null) ? upn.lastIndexOf('@') : -1;
		return (at > 0) ? tenant(upn.substring(at + 1)) : Optional.empty();
	}

	record DirectoryFile(List<Tenant> tenants) {
	}
}
