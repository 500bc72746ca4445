package dev.lattice.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The hand-written OpenAPI document describes exactly the routes the server serves. */
class OpenApiTest {
  @Test
  void everyRouteIsDescribedAndNothingElse() throws Exception {
    JsonNode paths = new ObjectMapper().readTree(OpsRoutes.loadOpenApi()).get("paths");
    TreeSet<String> described = new TreeSet<>();
    for (Map.Entry<String, JsonNode> path : paths.properties()) {
      path.getValue().fieldNames().forEachRemaining(method ->
          described.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey()));
    }
    assertEquals(new TreeSet<>(Routes.ALL), described);
  }
}
