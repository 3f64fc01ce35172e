package org.revocation.gateway.batch;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;

import org.revocation.gateway.graph.GraphException;

/**
 * Runs one synchronous request of a {@code $batch} through the application's own controllers, in process: the same
 * handler mapping, argument resolution, controller code (authentication, rate limit, authorization) and Graph error
 * handling as the request would get on its own. Revocations do not come here: they are asynchronous and go to
 * {@code Revocations}, so that a batch's revocations are published and awaited together.
 */
@Component
class InternalDispatcher {

	private final RequestMappingHandlerMapping mapping;

	private final RequestMappingHandlerAdapter adapter;

	private final HandlerExceptionResolver errors;

	InternalDispatcher(@Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mapping,
			@Qualifier("requestMappingHandlerAdapter") RequestMappingHandlerAdapter adapter,
			@Qualifier("handlerExceptionResolver") HandlerExceptionResolver errors) {
		this.mapping = mapping;
		this.adapter = adapter;
		this.errors = errors;
	}

	SubResponse dispatch(SubRequest request, HttpServletResponse outer) throws Exception {
		SubResponse response = new SubResponse(outer);
		ServletRequestPathUtils.parseAndCache(request);
		Object handler = null;
		try {
			HandlerExecutionChain chain = this.mapping.getHandler(request);
			if (chain == null) {
				String path = request.getRequestURI();
				throw GraphException.badRequest(
						"Resource not found for the segment '" + path.substring(path.lastIndexOf('/') + 1) + "'.");
			}
			handler = chain.getHandler();
			// the interceptors a request would pass alone (none today; the chain stays whatever is added later)
			java.util.List<org.springframework.web.servlet.HandlerInterceptor> interceptors = chain.getInterceptorList();
			for (org.springframework.web.servlet.HandlerInterceptor interceptor : interceptors) {
				if (!interceptor.preHandle(request, response, handler)) {
					return response;
				}
			}
			this.adapter.handle(request, response, handler);
			for (int i = interceptors.size() - 1; i >= 0; i--) {
				interceptors.get(i).postHandle(request, response, handler, null);
			}
		}
		catch (Exception ex) {
			response.reset();
			ModelAndView handled = this.errors.resolveException(request, response, handler, ex);
			if (handled == null) {
				throw ex;
			}
		}
		return response;
	}
}
