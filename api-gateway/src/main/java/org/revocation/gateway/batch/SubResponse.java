package org.revocation.gateway.batch;

import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/** Captures what a controller writes for one request of a {@code $batch}; nothing reaches the outer response. */
final class SubResponse extends HttpServletResponseWrapper {

	private final ByteArrayOutputStream body = new ByteArrayOutputStream();

	private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

	private int status = 200;

	private PrintWriter writer;

	SubResponse(HttpServletResponse outer) {
		super(outer);
	}

	int status() {
		return this.status;
	}

	byte[] body() {
		if (this.writer != null) {
			this.writer.flush();
		}
		return this.body.toByteArray();
	}

	/** The headers, one value each (Graph's batch format). */
	Map<String, String> headerMap() {
		Map<String, String> map = new LinkedHashMap<>();
		this.headers.forEach((name, values) -> map.put(name, String.join(", ", values)));
		return map;
	}

	@Override
	public void setStatus(int status) {
		this.status = status;
	}

	@Override
	public int getStatus() {
		return this.status;
	}

	@Override
	public void sendError(int status) {
		this.status = status;
	}

	@Override
	public void sendError(int status, String message) {
		this.status = status;
	}

	@Override
	public void setHeader(String name, String value) {
		List<String> values = new ArrayList<>();
		values.add(value);
		this.headers.put(name, values);
	}

	@Override
	public void addHeader(String name, String value) {
		this.headers.computeIfAbsent(name, (n) -> new ArrayList<>()).add(value);
	}

	@Override
	public void setIntHeader(String name, int value) {
		setHeader(name, Integer.toString(value));
	}

	@Override
	public void addIntHeader(String name, int value) {
		addHeader(name, Integer.toString(value));
	}

	@Override
	public void setDateHeader(String name, long date) {
		setHeader(name, Long.toString(date));
	}

	@Override
	public void addDateHeader(String name, long date) {
		addHeader(name, Long.toString(date));
	}

	@Override
	public boolean containsHeader(String name) {
		return this.headers.containsKey(name);
	}

	@Override
	public String getHeader(String name) {
		List<String> values = this.headers.get(name);
		return (values != null && !values.isEmpty()) ? values.get(0) : null;
	}

	@Override
	public Collection<String> getHeaders(String name) {
		return this.headers.getOrDefault(name, List.of());
	}

	@Override
	public Collection<String> getHeaderNames() {
		return this.headers.keySet();
	}

	@Override
	public void setContentType(String type) {
		if (type != null) {
			setHeader("Content-Type", type);
		}
	}

	@Override
	public String getContentType() {
		return getHeader("Content-Type");
	}

	@Override
	public void setCharacterEncoding(String charset) {
	}

	@Override
	public String getCharacterEncoding() {
		return StandardCharsets.UTF_8.name();
	}

	@Override
	public void setContentLength(int length) {
	}

	@Override
	public void setContentLengthLong(long length) {
	}

	@Override
	public ServletOutputStream getOutputStream() {
		return new ServletOutputStream() {

			@Override
			public void write(int b) {
				SubResponse.this.body.write(b);
			}

			@Override
			public void write(byte[] bytes, int offset, int length) {
				SubResponse.this.body.write(bytes, offset, length);
			}

			@Override
			public boolean isReady() {
				return true;
			}

			@Override
			public void setWriteListener(WriteListener listener) {
				throw new UnsupportedOperationException();
			}
		};
	}

	@Override
	public PrintWriter getWriter() {
		if (this.writer == null) {
			this.writer = new PrintWriter(new OutputStreamWriter(this.body, StandardCharsets.UTF_8));
		}
		return this.writer;
	}

	@Override
	public boolean isCommitted() {
		return false;
	}

	@Override
	public void flushBuffer() {
	}

	@Override
	public void reset() {
		this.body.reset();
		this.headers.clear();
		this.status = 200;
	}

	@Override
	public void resetBuffer() {
		this.body.reset();
	}
}
