package org.revocation.localstack;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal RESP2 client (one connection, one command at a time), so that local-stack can drive Redis — form a Redis
 * Cluster, pause a replica — without a client library and without {@code redis-cli}.
 */
public final class Resp implements AutoCloseable {

	/** An error reply ({@code -ERR ...}). */
	public static final class ErrorReply extends RuntimeException {

		ErrorReply(String message) {
			super(message);
		}
	}

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	public Resp(int port) {
		try {
			this.socket = new Socket();
			this.socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
			this.socket.setSoTimeout(5000);
			this.in = new BufferedInputStream(this.socket.getInputStream());
			this.out = this.socket.getOutputStream();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** One command on a new connection. */
	public static Object call(int port, String... args) {
		try (Resp resp = new Resp(port)) {
			return resp.send(args);
		}
	}

	/** One command on a new connection, its reply as text (bulk or status), null when unreachable. */
	public static String text(int port, String... args) {
		try {
			Object reply = call(port, args);
			return (reply != null) ? reply.toString() : null;
		}
		catch (UncheckedIOException | ErrorReply ex) {
			return null;
		}
	}

	public Object send(String... args) {
		try {
			ByteArrayOutputStream request = new ByteArrayOutputStream();
			request.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
			for (String arg : args) {
				byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
				request.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
				request.write(bytes);
				request.write("\r\n".getBytes(StandardCharsets.UTF_8));
			}
			this.out.write(request.toByteArray());
			this.out.flush();
			return read();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private Object read() throws IOException {
		int type = this.in.read();
		String line = line();
		switch (type) {
			case '+':
				return line;
			case '-':
				throw new ErrorReply(line);
			case ':':
				return Long.parseLong(line);
			case '$': {
				int length = Integer.parseInt(line);
				if (length < 0) {
					return null;
				}
				byte[] bytes = this.in.readNBytes(length);
				line();
				return new String(bytes, StandardCharsets.UTF_8);
			}
			case '*': {
				int count = Integer.parseInt(line);
				if (count < 0) {
					return null;
				}
				List<Object> items = new ArrayList<>(count);
				for (int i = 0; i < count; i++) {
					items.add(read());
				}
				return items;
			}
			default:
				throw new IOException("not a RESP reply: " + (char) type + line);
		}
	}

	private String line() throws IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = this.in.read()) != -1 && c != '\n') {
			if (c != '\r') {
				line.append((char) c);
			}
		}
		if (c == -1) {
			throw new IOException("connection closed");
		}
		return line.toString();
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// closing
		}
	}
}
