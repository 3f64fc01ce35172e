package org.revocation.gateway.batch;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * One request of a {@code $batch} as the controllers see it: its own method, path, query, headers, body and
 * attributes; the connection (scheme, host, port, context path) and the batch's ids are the outer request's.
 */
final class SubRequest extends HttpServletRequestWrapper {

	private final String method;

	private final String requestUri;

	private final String query;

	private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

	private final Map<String, String[]> parameters = new LinkedHashMap<>();

	private final byte[] body;

	private final Map<String, Object> attributes = new ConcurrentHashMap<>();

	SubRequest(HttpServletRequest outer, String method, String path, String query, Map<String, String> headers,
			byte[] body, Map<String, Object> attributes) {
		super(outer);
		this.method = method.toUpperCase(Locale.ROOT);
		this.requestUri = outer.getContextPath() + path;
		this.query = query;
		headers.forEach((name, value) -> this.headers.put(name, List.of(value)));
		this.body = (body != null) ? body : new byte[0];
		this.attributes.putAll(attributes);
		if (query != null && !query.isEmpty()) {
			MultiValueMap<String, String> params = UriComponentsBuilder.newInstance().query(query).build()
				.getQueryParams();
			MultiValueMap<String, String> decoded = new LinkedMultiValueMap<>();
			params.forEach((name, values) -> values.forEach((value) -> decoded.add(
					UriUtils.decode(name, StandardCharsets.UTF_8),
					(value != null) ? UriUtils.decode(value, StandardCharsets.UTF_8) : "")));
			decoded.forEach((name, values) -> this.parameters.put(name, values.toArray(String[]::new)));
		}
	}

	@Override
	public String getMethod() {
		return this.method;
	}

	@Override
	public String getRequestURI() {
		return this.requestUri;
	}

	@Override
	public StringBuffer getRequestURL() {
		HttpServletRequest outer = (HttpServletRequest) getRequest();
		StringBuffer url = new StringBuffer(outer.getScheme()).append("://").append(outer.getServerName());
		url.append(':').append(outer.getServerPort()).append(this.requestUri);
		return url;
	}

	@Override
	public String getServletPath() {
		return this.requestUri.substring(getContextPath().length());
	}

	@Override
	public String getPathInfo() {
		return null;
	}

	@Override
	public String getQueryString() {
		return (this.query == null || this.query.isEmpty()) ? null : this.query;
	}

	@Override
	public String getParameter(String name) {
		String[] values = this.parameters.get(name);
		return (values != null && values.length > 0) ? values[0] : null;
	}

	@Override
	public Map<String, String[]> getParameterMap() {
		return Collections.unmodifiableMap(this.parameters);
	}

	@Override
	public Enumeration<String> getParameterNames() {
		return Collections.enumeration(this.parameters.keySet());
	}

	@Override
	public String[] getParameterValues(String name) {
		return this.parameters.get(name);
	}

	@Override
	public String getHeader(String name) {
		List<String> values = this.headers.get(name);
		return (values != null && !values.isEmpty()) ? values.get(0) : null;
	}

	@Override
	public Enumeration<String> getHeaders(String name) {
		return Collections.enumeration(this.headers.getOrDefault(name, List.of()));
	}

	@Override
	public Enumeration<String> getHeaderNames() {
		return Collections.enumeration(this.headers.keySet());
	}

	@Override
	public int getIntHeader(String name) {
		String value = getHeader(name);
		return (value != null) ? Integer.parseInt(value) : -1;
	}

	@Override
	public long getDateHeader(String name) {
		return -1;
	}

	@Override
	public String getContentType() {
		return getHeader("Content-Type");
	}

	@Override
	public int getContentLength() {
		return this.body.length;
	}

	@Override
	public long getContentLengthLong() {
		return this.body.length;
	}

	@Override
	public ServletInputStream getInputStream() {
		ByteArrayInputStream in = new ByteArrayInputStream(this.body);
		return new ServletInputStream() {

			@Override
			public int read() {
				return in.read();
			}

			@Override
			public int read(byte[] bytes, int offset, int length) {
				return in.read(bytes, offset, length);
			}

			@Override
			public boolean isFinished() {
				return in.available() == 0;
			}

			@Override
			public boolean isReady() {
				return true;
			}

			@Override
			public void setReadListener(ReadListener listener) {
				throw new UnsupportedOperationException();
			}
		};
	}

	@Override
	public BufferedReader getReader() {
		return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
	}

	@Override
	public Object getAttribute(String name) {
		return this.attributes.get(name);
	}

	@Override
	public Enumeration<String> getAttributeNames() {
		return Collections.enumeration(this.attributes.keySet());
	}

	@Override
	public void setAttribute(String name, Object value) {
		if (value == null) {
			this.attributes.remove(name);
		}
		else {
			this.attributes.put(name, value);
		}
	}

	@Override
	public void removeAttribute(String name) {
		this.attributes.remove(name);
	}

	@Override
	public boolean isAsyncStarted() {
		return false;
	}

	@Override
	public boolean isAsyncSupported() {
		return false;
	}

	@Override
	public DispatcherType getDispatcherType() {
		return DispatcherType.REQUEST;
	}
}
