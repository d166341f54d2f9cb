package dev.unclipstudio.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes, checked without a cluster: every manifest parses and names a kind we know,
 * labels and selectors agree, the studio's containers use the app's own ports and health paths,
 * every STUDIO_ variable is a documented setting, secrets referenced exist, workers drain within
 * their grace period, and KEDA counts the queue with the studio's own SQL ({@link ScalingQueryTest}
 * runs that SQL on PostgreSQL). (Jackson's YAML reader comes with quarkus-smallrye-openapi.)
 */
class KubernetesManifestsTest {

  private static final Path DIR = Path.of("deploy/kubernetes");
  private static final Map<String, Set<String>> KINDS =
      Map.of(
          "v1", Set.of("Secret", "Service", "ConfigMap"),
          "apps/v1", Set.of("Deployment", "StatefulSet"),
          "policy/v1", Set.of("PodDisruptionBudget"),
          "keda.sh/v1alpha1", Set.of("ScaledObject", "TriggerAuthentication"),
          "kustomize.config.k8s.io/v1beta1", Set.of("Kustomization"));
  private static final Set<String> HEALTH_PATHS =
      Set.of("/q/health/live", "/q/health/ready", "/q/health/started");
  private static final YAMLMapper YAML = new YAMLMapper();

  /** One document of one manifest file. */
  record Doc(Path file, JsonNode node) {
    String kind() {
      return node.path("kind").asText();
    }

    String name() {
      return node.path("metadata").path("name").asText();
    }

    @Override
    public String toString() {
      return file.getFileName() + ": " + kind() + " " + name();
    }
  }

  static List<Doc> docs() {
    List<Doc> docs = new ArrayList<>();
    for (Path file : manifestFiles()) {
      try (Reader reader = Files.newBufferedReader(file);
          MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(reader)) {
        while (it.hasNext()) {
          JsonNode node = it.next();
          if (node != null && !node.isNull() && !node.isMissingNode()) {
            docs.add(new Doc(file, node));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Could not parse " + file, e);
      }
    }
    return docs;
  }

  private static List<Path> manifestFiles() {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The statement KEDA's PostgreSQL trigger runs to size the workers. */
  static String kedaQuery() {
    return trigger().path("metadata").path("query").asText();
  }

  private static JsonNode trigger() {
    List<Doc> scaled = ofKind("ScaledObject");
    assertEquals(1, scaled.size(), "one ScaledObject");
    JsonNode triggers = scaled.get(0).node().path("spec").path("triggers");
    assertEquals(1, triggers.size(), "one trigger");
    return triggers.get(0);
  }

  private static List<Doc> ofKind(String kind) {
    return docs().stream().filter(d -> d.kind().equals(kind)).toList();
  }

  private static Doc named(String kind, String name) {
    return docs().stream()
        .filter(d -> d.kind().equals(kind) && d.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
  }

  @Test
  void everyDocumentIsAKindWeKnowWithAName() {
    List<Doc> docs = docs();
    assertTrue(docs.size() >= 10, "the manifests are there: " + docs);
    for (Doc doc : docs) {
      String apiVersion = doc.node().path("apiVersion").asText();
      assertTrue(KINDS.containsKey(apiVersion), doc + ": unknown apiVersion " + apiVersion);
      assertTrue(KINDS.get(apiVersion).contains(doc.kind()), doc + ": not a kind of " + apiVersion);
      if (!doc.kind().equals("Kustomization")) {
        assertFalse(doc.name().isBlank(), doc + ": metadata.name");
      }
    }
    Set<String> names = new HashSet<>();
    for (Doc doc : docs) {
      assertTrue(names.add(doc.kind() + "/" + doc.name()), "twice: " + doc);
    }
  }

  @Test
  void theKustomizationListsEveryManifest() {
    Doc kustomization = ofKind("Kustomization").get(0);
    Set<String> listed = new TreeSet<>();
    kustomization.node().path("resources").forEach(r -> listed.add(r.asText()));
    Set<String> present = new TreeSet<>();
    manifestFiles().forEach(f -> present.add(f.getFileName().toString()));
    present.remove("kustomization.yaml");
    assertEquals(present, listed);
  }

  @Test
  void selectorsMatchThePodsTheyMeanToSelect() {
    List<Doc> workloads = workloads();
    for (Doc w : workloads) {
      Map<String, String> selector =
          labels(w.node().path("spec").path("selector").path("matchLabels"));
      assertFalse(selector.isEmpty(), w + ": a selector");
      assertTrue(
          podLabels(w).entrySet().containsAll(selector.entrySet()),
          w + ": its selector " + selector + " must match its pods " + podLabels(w));
    }
    for (Doc service : ofKind("Service")) {
      assertEquals(
          1,
          selected(labels(service.node().path("spec").path("selector"))).size(),
          service + " selects one workload's pods");
      for (JsonNode port : service.node().path("spec").path("ports")) {
        String target = port.path("targetPort").asText();
        Doc workload = selected(labels(service.node().path("spec").path("selector"))).get(0);
        assertNotNull(containerPort(workload, target), service + ": target port " + target);
      }
    }
    for (Doc pdb : ofKind("PodDisruptionBudget")) {
      assertEquals(
          1,
          selected(labels(pdb.node().path("spec").path("selector").path("matchLabels"))).size(),
          pdb + " covers one workload");
    }
    for (Doc set : ofKind("StatefulSet")) {
      named("Service", set.node().path("spec").path("serviceName").asText());
    }
    Set<String> covered = new HashSet<>();
    ofKind("PodDisruptionBudget")
        .forEach(
            p ->
                selected(labels(p.node().path("spec").path("selector").path("matchLabels")))
                    .forEach(w -> covered.add(w.name())));
    assertTrue(covered.containsAll(Set.of("studio-web", "studio-worker")), "PDBs: " + covered);
  }

  @Test
  void studioContainersUseTheAppsPortsAndHealthEndpoints() throws IOException {
    Properties app = new Properties();
    try (Reader reader =
        Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
      app.load(reader);
    }
    int httpPort = Integer.parseInt(app.getProperty("quarkus.http.port"));
    int managementPort = Integer.parseInt(app.getProperty("quarkus.management.port"));
    List<JsonNode> studios = studioContainers();
    assertEquals(2, studios.size(), "the web and the worker container");
    for (JsonNode c : studios) {
      String name = c.path("name").asText();
      Map<String, Integer> ports = new HashMap<>();
      c.path("ports")
          .forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
      assertEquals(managementPort, ports.get("management"), name + ": the management port");
      if (ports.containsKey("http")) {
        assertEquals(httpPort, ports.get("http"), name + ": the HTTP port");
      }
      for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
        JsonNode get = c.path(probe).path("httpGet");
        assertTrue(HEALTH_PATHS.contains(get.path("path").asText()), name + " " + probe + " path");
        String port = get.path("port").asText();
        assertTrue(
            port.equals("management") || port.equals(String.valueOf(managementPort)),
            name + " " + probe + " must ask the management port, not " + port);
      }
      assertEquals("/q/health/live", c.path("livenessProbe").path("httpGet").path("path").asText());
      assertEquals(
          "/q/health/ready", c.path("readinessProbe").path("httpGet").path("path").asText());
      for (String bound : List.of("requests", "limits")) {
        for (String resource : List.of("cpu", "memory")) {
          assertFalse(
              c.path("resources").path(bound).path(resource).isMissingNode(),
              name + ": resources." + bound + "." + resource);
        }
      }
    }
  }

  @Test
  void theWebRunsNoWorkersAndTheGpuWorkersServeNoPages() {
    JsonNode web = container(named("Deployment", "studio-web"));
    assertEquals("false", env(web).get("STUDIO_ROLES_WORKER"));
    assertTrue(web.path("resources").path("limits").path("nvidia.com/gpu").isMissingNode());

    Doc workerDeployment = named("Deployment", "studio-worker");
    JsonNode worker = container(workerDeployment);
    Map<String, String> env = env(worker);
    assertEquals("false", env.get("STUDIO_ROLES_WEB"));
    assertTrue(env.get("STUDIO_WORKER_DEVICES").startsWith("cuda:"), "workers run on the GPU");
    for (String bound : List.of("requests", "limits")) {
      assertEquals(
          1, worker.path("resources").path(bound).path("nvidia.com/gpu").asInt(), "a GPU " + bound);
    }
    // SIGTERM: the studio's own drain waits shutdown-grace for running jobs, up to 10 s more for
    // the stopped ones to be given back, then exits; Kubernetes must not kill it before
    Duration grace = duration(env.getOrDefault("STUDIO_WORKER_SHUTDOWN_GRACE", "20s"));
    long terminationGrace =
        workerDeployment
            .node()
            .path("spec")
            .path("template")
            .path("spec")
            .path("terminationGracePeriodSeconds")
            .asLong(30);
    assertTrue(
        terminationGrace >= grace.toSeconds() + 15,
        "terminationGracePeriodSeconds "
            + terminationGrace
            + " leaves no time to drain for shutdown-grace "
            + grace);
    assertTrue(
        env.containsKey("STUDIO_WORKER_INSTANCE_NAME"), "each pod names itself in the console");
  }

  @Test
  void everyStudioVariableIsADocumentedSetting() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    Set<String> documented = new HashSet<>();
    Matcher setting = Pattern.compile("`((?:studio|quarkus)\\.[a-z0-9.-]+)`").matcher(readme);
    while (setting.find()) {
      documented.add(setting.group(1).toUpperCase(Locale.ROOT).replaceAll("[.-]", "_"));
    }
    Matcher variable = Pattern.compile("\\b(QUARKUS_[A-Z0-9_]+|STUDIO_[A-Z0-9_]+)").matcher(readme);
    while (variable.find()) {
      documented.add(variable.group(1));
    }
    int checked = 0;
    for (JsonNode c : allContainers()) {
      for (String name : env(c).keySet()) {
        if (name.startsWith("STUDIO_") || name.startsWith("QUARKUS_")) {
          assertTrue(
              documented.contains(name),
              c.path("name").asText() + ": " + name + " is not a setting the README documents");
          checked++;
        }
      }
    }
    assertTrue(checked >= 10, "the studio is configured through its settings");
  }

  @Test
  void everySecretReferenceResolves() {
    Map<String, Set<String>> secrets = new HashMap<>();
    for (Doc s : ofKind("Secret")) {
      Set<String> keys = new HashSet<>();
      s.node().path("stringData").fieldNames().forEachRemaining(keys::add);
      s.node().path("data").fieldNames().forEachRemaining(keys::add);
      secrets.put(s.name(), keys);
    }
    int refs = 0;
    for (JsonNode c : allContainers()) {
      for (JsonNode e : c.path("env")) {
        JsonNode ref = e.path("valueFrom").path("secretKeyRef");
        if (!ref.isMissingNode()) {
          assertTrue(
              secrets
                  .getOrDefault(ref.path("name").asText(), Set.of())
                  .contains(ref.path("key").asText()),
              "secret " + ref);
          refs++;
        }
      }
    }
    for (Doc auth : ofKind("TriggerAuthentication")) {
      for (JsonNode ref : auth.node().path("spec").path("secretTargetRef")) {
        assertTrue(
            secrets
                .getOrDefault(ref.path("name").asText(), Set.of())
                .contains(ref.path("key").asText()),
            auth + ": secret " + ref);
        refs++;
      }
    }
    assertTrue(refs >= 8, "credentials come from secrets");
  }

  @Test
  void kedaScalesTheGpuWorkersWithTheQueuesOwnQuery() {
    Doc scaled = ofKind("ScaledObject").get(0);
    String target = scaled.node().path("spec").path("scaleTargetRef").path("name").asText();
    JsonNode worker = container(named("Deployment", target));
    assertEquals(1, worker.path("resources").path("limits").path("nvidia.com/gpu").asInt());

    JsonNode trigger = trigger();
    assertEquals("postgresql", trigger.path("type").asText());
    assertEquals(QueueMetrics.ACTIVE_JOBS_SQL, kedaQuery(), "the studio's own statement");
    assertTrue(trigger.path("metadata").path("targetQueryValue").asDouble() > 0);
    named("TriggerAuthentication", trigger.path("authenticationRef").path("name").asText());

    // KEDA reaches the same server, database and user as the studio
    Map<String, String> db = stringData(named("Secret", "studio-db"));
    URI jdbc = URI.create(db.get("jdbc-url").substring("jdbc:".length()));
    JsonNode meta = trigger.path("metadata");
    assertTrue(
        meta.path("host").asText().startsWith(jdbc.getHost() + "."),
        "KEDA's host " + meta.path("host").asText() + " is the studio's " + jdbc.getHost());
    assertEquals(String.valueOf(jdbc.getPort()), meta.path("port").asText());
    assertEquals(jdbc.getPath().substring(1), meta.path("dbName").asText());
    assertEquals(db.get("database"), meta.path("dbName").asText());
    assertEquals(db.get("username"), meta.path("userName").asText());
  }

  private static List<Doc> workloads() {
    return docs().stream()
        .filter(d -> d.kind().equals("Deployment") || d.kind().equals("StatefulSet"))
        .toList();
  }

  private static List<Doc> selected(Map<String, String> selector) {
    return workloads().stream()
        .filter(w -> podLabels(w).entrySet().containsAll(selector.entrySet()))
        .toList();
  }

  private static Map<String, String> podLabels(Doc workload) {
    return labels(workload.node().path("spec").path("template").path("metadata").path("labels"));
  }

  private static Map<String, String> labels(JsonNode node) {
    Map<String, String> labels = new HashMap<>();
    node.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  private static Map<String, String> stringData(Doc secret) {
    return labels(secret.node().path("stringData"));
  }

  private static List<JsonNode> allContainers() {
    List<JsonNode> containers = new ArrayList<>();
    workloads()
        .forEach(
            w ->
                w.node()
                    .path("spec")
                    .path("template")
                    .path("spec")
                    .path("containers")
                    .forEach(containers::add));
    return containers;
  }

  /** Containers running the studio's image (the one docker/compose.yaml builds). */
  private static List<JsonNode> studioContainers() throws IOException {
    String image =
        YAML.readTree(Path.of("docker/compose.yaml").toFile())
            .path("x-studio")
            .path("image")
            .asText();
    assertFalse(image.isBlank(), "compose names the studio's image");
    return allContainers().stream().filter(c -> c.path("image").asText().equals(image)).toList();
  }

  private static JsonNode container(Doc workload) {
    JsonNode containers =
        workload.node().path("spec").path("template").path("spec").path("containers");
    assertEquals(1, containers.size(), workload + ": one container");
    return containers.get(0);
  }

  private static JsonNode containerPort(Doc workload, String nameOrNumber) {
    for (JsonNode p : container(workload).path("ports")) {
      if (p.path("name").asText().equals(nameOrNumber)
          || p.path("containerPort").asText().equals(nameOrNumber)) {
        return p;
      }
    }
    return null;
  }

  private static Map<String, String> env(JsonNode container) {
    Map<String, String> env = new HashMap<>();
    container
        .path("env")
        .forEach(
            e ->
                env.put(
                    e.path("name").asText(),
                    e.has("value") ? e.path("value").asText() : "(from elsewhere)"));
    return env;
  }

  /** A Quarkus duration as written in settings: {@code 120s}, {@code 2m}, {@code 500ms}. */
  private static Duration duration(String text) {
    Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(text);
    assertTrue(m.matches(), "a duration: " + text);
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }
}
