package org.revocation.ssf.auth;

/**
 * The verified caller of a management or poll request: an application of a tenant holding the SSF permission.
 *
 * @param tenantId the token's tenant ({@code tid})
 * @param clientId the application ({@code appid}); the audience of the SETs of the streams it creates
 */
public record AppCaller(String tenantId, String clientId) {
}
