package dev.unclipstudio.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The schema check of deploy/kubernetes: every manifest of a built-in kind is read into Kubernetes'
 * own API classes (fabric8's model, generated from the Kubernetes OpenAPI schema), so a value of
 * the wrong type fails to read and a field the API does not have — a misspelling, which kubectl
 * would reject or silently drop — is left over in the classes' catch-all map and named. KEDA's and
 * Kustomize's kinds have no such classes; {@link KubernetesManifestsTest} checks what the studio
 * relies on in them.
 */
class KubernetesSchemaTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, Class<? extends KubernetesResource>> BUILT_IN =
      Map.of(
          "v1/Secret", Secret.class,
          "v1/Service", Service.class,
          "v1/ConfigMap", ConfigMap.class,
          "apps/v1/Deployment", Deployment.class,
          "apps/v1/StatefulSet", StatefulSet.class,
          "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class);

  @Test
  void everyBuiltInManifestMatchesTheKubernetesSchema() throws Exception {
    int checked = 0;
    for (KubernetesManifestsTest.Doc doc : KubernetesManifestsTest.docs()) {
      Class<? extends KubernetesResource> type = BUILT_IN.get(key(doc.node()));
      if (type == null) {
        continue;
      }
      assertEquals(List.of(), unknownFields(doc.node(), type), doc + ": fields not in the schema");
      checked++;
    }
    assertTrue(checked >= 8, "built-in manifests checked: " + checked);
  }

  @Test
  void aMisspeltFieldIsNamed() throws Exception {
    JsonNode doc =
        new YAMLMapper()
            .readTree(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replica: 2
                  template:
                    spec:
                      containers:
                        - name: web
                          image: studio
                          ports: [{containerPort: 8080, protocl: TCP}]
                """);
    assertEquals(
        List.of("spec.replica", "spec.template.spec.containers[0].ports[0].protocl"),
        unknownFields(doc, Deployment.class));
  }

  @Test
  void aValueOfTheWrongTypeDoesNotRead() throws Exception {
    JsonNode doc =
        new YAMLMapper()
            .readTree(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec: {replicas: two}
                """);
    assertThrows(JsonProcessingException.class, () -> unknownFields(doc, Deployment.class));
  }

  private static String key(JsonNode node) {
    return node.path("apiVersion").asText() + "/" + node.path("kind").asText();
  }

  /** Paths of the fields that {@code node} has and {@code type}'s schema does not. */
  static List<String> unknownFields(JsonNode node, Class<? extends KubernetesResource> type)
      throws JsonProcessingException {
    List<String> out = new ArrayList<>();
    walk(JSON.treeToValue(node, type), "", out, new IdentityHashMap<>());
    Collections.sort(out); // getMethods() has no defined order
    return out;
  }

  private static void walk(Object value, String path, List<String> out, Map<Object, Boolean> seen) {
    if (value == null || seen.put(value, Boolean.TRUE) != null) {
      return;
    }
    if (value instanceof Collection<?> list) {
      int i = 0;
      for (Object item : list) {
        walk(item, path + "[" + i++ + "]", out, seen);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k, out, seen));
      return;
    }
    if (!value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get")
          || getter.getName().equals("getClass")) {
        continue;
      }
      Object child = invoke(getter, value);
      if (getter.getName().equals("getAdditionalProperties")) {
        ((Map<?, ?>) child).keySet().forEach(k -> out.add((path + "." + k).substring(1)));
      } else {
        walk(child, path + "." + field(getter), out, seen);
      }
    }
  }

  private static String field(Method getter) {
    String name = getter.getName().substring(3);
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }

  private static Object invoke(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException(getter + " on " + target.getClass(), e);
    }
  }
}
