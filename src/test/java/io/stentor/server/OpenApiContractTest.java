package io.stentor.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.stentor.support.TestServer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** docs/openapi.yaml and the server's router describe the same API: every route is documented, nothing extra. */
class OpenApiContractTest {

    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedRouteExists() throws Exception {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(Path.of("docs/openapi.yaml").toFile());
        assertThat(doc.get("openapi").asText()).startsWith("3.");

        Set<String> documented = new TreeSet<>();
        doc.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> {
            if (METHODS.contains(m)) {
                documented.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey());
            }
        }));

        Set<String> served = new TreeSet<>();
        try (TestServer ts = new TestServer()) {
            ts.server().routes().forEach(r -> served.add(r.method() + " " + r.pattern()));
        }
        assertThat(documented).as("documented in docs/openapi.yaml").isEqualTo(served);
    }

    @Test
    void everyOperationHasAnIdASummaryAndAnErrorOrSuccessResponse() throws Exception {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(Path.of("docs/openapi.yaml").toFile());
        Set<String> ids = new TreeSet<>();
        doc.get("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(op -> {
            if (!METHODS.contains(op.getKey())) {
                return;
            }
            String where = op.getKey() + " " + p.getKey();
            assertThat(op.getValue().path("operationId").asText()).as(where).isNotBlank();
            assertThat(op.getValue().path("summary").asText()).as(where).isNotBlank();
            assertThat(op.getValue().path("responses").size()).as(where).isPositive();
            assertThat(ids.add(op.getValue().path("operationId").asText())).as("unique id " + where).isTrue();
        }));
    }
}
