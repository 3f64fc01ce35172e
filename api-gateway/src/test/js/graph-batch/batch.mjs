// Microsoft's Graph JavaScript client (@microsoft/microsoft-graph-client, unmodified) sending two $batch requests
// to the api-gateway; run by BatchIntegrationTests#graphJsClientBatchRequestContent…, which checks the answers.
//
// Environment: GATEWAY_URL (https://localhost:<port>; the client's authentication handler sends the token only over
// https, to a Graph host or one of customHosts), REVOKER_TOKEN, READER_TOKEN, BOB_ID, CAROL_UPN, MEGAN_ID, HENRY_UPN.
// NODE_EXTRA_CA_CERTS names the gateway's local certificate. Prints {"<batch>":{"<id>":{status, contentType, body}}}
// as JSON on stdout; anything else goes to stderr.
import { BatchRequestContent, BatchResponseContent, Client } from "@microsoft/microsoft-graph-client";

const env = (name) => {
	const value = process.env[name];
	if (!value) {
		throw new Error(`${name} is not set`);
	}
	return value;
};

const gateway = env("GATEWAY_URL");
const customHosts = new Set([new URL(gateway).hostname]);

// 3.0.7 keeps the path of a step's URL after the host as it is (an unreleased fix strips the version), and Graph
// refuses "/v1.0/users/…" inside a batch, so the steps name no version: the form Microsoft's maintainers give for
// 3.0.7 (microsoftgraph/msgraph-sdk-javascript#1451). Node's Request takes absolute URLs only.
const step = (id, method, path, options = {}) => ({
	id,
	dependsOn: options.dependsOn,
	request: new Request(gateway + path, { method, headers: options.headers, body: options.body }),
});

async function answers(client, content) {
	const raw = await client.api("/$batch").post(await content.getContent());
	const result = {};
	for (const [id, response] of new BatchResponseContent(raw).getResponses()) {
		const text = await response.text();
		result[id] = {
			status: response.status,
			contentType: response.headers.get("content-type"),
			body: text ? JSON.parse(text) : null,
		};
	}
	return result;
}

// An application allowed to revoke: Client.initWithMiddleware with an AuthenticationProvider. Every revocation
// depends on the first request (the "same dependency" shape BatchRequestContent accepts).
const revoker = Client.initWithMiddleware({
	baseUrl: gateway,
	defaultVersion: "v1.0",
	customHosts,
	authProvider: { getAccessToken: async () => env("REVOKER_TOKEN") },
});
const revocations = new BatchRequestContent([
	step("read", "GET", `/users/${env("HENRY_UPN")}?$select=id,displayName`),
	step("bob", "POST", `/users/${env("BOB_ID")}/revokeSignInSessions`, { dependsOn: ["read"] }),
	step("carol", "POST", `/users/${env("CAROL_UPN")}/microsoft.graph.revokeSignInSessions`, {
		dependsOn: ["read"],
		headers: { "Content-Type": "application/json" },
		body: "{}",
	}),
	step("megan", "POST", `/users/${env("MEGAN_ID")}/revokeSignInSessions`, { dependsOn: ["read"] }),
	step("nobody", "POST", "/users/nobody@contoso.test/revokeSignInSessions", { dependsOn: ["read"] }),
]);

// An application that may read users but not revoke: Client.init with the callback auth provider, on beta. A serial
// chain: the refused revocation fails, so the one after it is not run.
const reader = Client.init({
	baseUrl: gateway,
	defaultVersion: "beta",
	customHosts,
	authProvider: (done) => done(null, env("READER_TOKEN")),
});
const refused = new BatchRequestContent([
	step("1", "GET", `/users/${env("HENRY_UPN")}`),
	step("2", "POST", `/users/${env("HENRY_UPN")}/revokeSignInSessions`, { dependsOn: ["1"] }),
	step("3", "POST", `/users/${env("HENRY_UPN")}/microsoft.graph.revokeSignInSessions`, { dependsOn: ["2"] }),
]);

try {
	const result = { revocations: await answers(revoker, revocations), refused: await answers(reader, refused) };
	process.stdout.write(JSON.stringify(result) + "\n");
}
catch (error) {
	// a GraphError carries the status and Graph's error code; print what the test needs to say why
	console.error(error?.statusCode ?? "", error?.code ?? "", error?.message ?? error, error?.body ?? "");
	process.exitCode = 1;
}
