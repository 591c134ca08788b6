package io.stentor.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.stentor.support.Api;
import io.stentor.support.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an operator scrapes and probes. */
class MetricsIT {

    @Test
    void metricsCountRequestsByRouteAndStatusAndShowLiveSpacesListenersAndTheJvm() {
        try (TestServer ts = new TestServer()) {
            Api host = ts.api().registerAndLogin("metrichost");
            Api fan = ts.api().registerAndLogin("metricfan");
            String id = host.post("/api/v1/spaces", Map.of("title", "Counted")).json().at("/space/id").asText();
            fan.post("/api/v1/spaces/" + id + "/join");
            ts.api().get("/api/v1/spaces/nope");

            String m = ts.api().get("/metrics").text();
            assertThat(m).contains("stentor_http_requests_seconds_count{method=\"POST\",route=\"/api/v1/spaces\",status=\"201\"} 1");
            assertThat(m).contains("route=\"/api/v1/spaces/{id}\",status=\"404\"");
            assertThat(m).contains("stentor_spaces_live 1");
            assertThat(m).contains("stentor_listeners 1");
            assertThat(m).contains("jvm_memory_used_bytes");

            assertThat(ts.api().get("/healthz").json().get("status").asText()).isEqualTo("ok");
            Api.Res ready = ts.api().get("/readyz");
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().get("database").asText()).isEqualTo("ok");
        }
    }

    @Test
    void theHomePageAndTheApiDocumentAreServed() {
        try (TestServer ts = new TestServer()) {
            Api.Res home = ts.api().get("/");
            assertThat(home.status()).isEqualTo(200);
            assertThat(home.header("Content-Type")).startsWith("text/html");
            assertThat(home.text()).contains("Stentor");
            Api.Res doc = ts.api().get("/api/v1/openapi.yaml");
            assertThat(doc.status()).isEqualTo(200);
            assertThat(doc.text()).contains("openapi: 3");
        }
    }
}
