package io.agentsh.core.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentsh.core.api.ApiException;
import io.agentsh.core.json.Json;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** A decoded HTTP request as route handlers see it. */
public record ApiRequest(String method, String path, Map<String, String> pathParams,
                         Map<String, List<String>> query, Map<String, String> headers, byte[] body, Caller caller) {

    public String param(String name) {
        return pathParams.get(name);
    }

    public String query(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** Header lookup, case-insensitive (headers are stored lower-cased). */
    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    /** The body as T; malformed JSON is a 400 {"error":"invalid json"} as in the reference. */
    public <T> T json(Class<T> type) {
        try {
            if (body.length == 0) throw new ApiException(400, "invalid json");
            JsonNode node = Json.MAPPER.readTree(body);
            if (node == null || !node.isObject()) throw new ApiException(400, "invalid json");
            return Json.MAPPER.treeToValue(node, type);
        } catch (IOException e) {
            throw new ApiException(400, "invalid json");
        }
    }
}
