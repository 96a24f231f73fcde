package org.barman.cli;

import java.io.PrintWriter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** Renders results as JSON, created on first use (it is only needed with {@code -f json} and diagnose). */
final class Json {

    private static ObjectMapper mapper;

    private Json() {
    }

    static void print(PrintWriter out, Object value) {
        try {
            out.println(mapper().writeValueAsString(value));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }

    private static synchronized ObjectMapper mapper() {
        if (mapper == null) {
            mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        }
        return mapper;
    }
}
