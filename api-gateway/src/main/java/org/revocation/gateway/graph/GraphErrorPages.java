package org.revocation.gateway.graph;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.core.StandardHost;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Error answers that do not come from a controller are Graph errors too: the container's error page ({@code /error},
 * for errors raised outside Spring MVC's handlers) and Tomcat's own error report ({@link GraphErrorReportValve}).
 */
@RestController
public class GraphErrorPages implements ErrorController {

	private final GraphErrorHandler errors;

	GraphErrorPages(GraphErrorHandler errors) {
		this.errors = errors;
	}

	@RequestMapping("${server.error.path:/error}")
	ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		int status = (code instanceof Integer value && value >= 400) ? value : 500;
		HttpStatus httpStatus = HttpStatus.resolve(status);
		return this.errors.write(new GraphException((httpStatus != null) ? httpStatus : HttpStatus.BAD_REQUEST,
				GraphErrorReportValve.code(status), GraphErrorReportValve.message(status), new LinkedHashMap<>()),
				request);
	}

	@Component
	static class ErrorReportValveCustomizer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

		@Override
		public void customize(TomcatServletWebServerFactory factory) {
			factory.addContextCustomizers((context) -> {
				if (context.getParent() instanceof StandardHost host) {
					host.setErrorReportValveClass(GraphErrorReportValve.class.getName());
				}
			});
		}
	}
}
