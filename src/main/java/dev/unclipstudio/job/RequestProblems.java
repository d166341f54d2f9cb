package dev.unclipstudio.job;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Field → message for one request. Commands name their fields and which rule each obeys; the rules
 * and messages come from {@link RequestRules}. A field that already has a problem (a number the
 * form could not read) keeps it.
 */
public final class RequestProblems {

  private final RequestLimits limits;
  private final Map<String, String> problems;

  RequestProblems(RequestLimits limits, Map<String, String> alreadyFound) {
    this.limits = limits;
    this.problems = new LinkedHashMap<>(alreadyFound);
  }

  void prompt(String field, String normalized) {
    addIf(field, RequestRules.promptProblem(normalized, limits.maxPromptLength()));
  }

  void images(String field, int count) {
    addIf(field, RequestRules.images(limits.maxImagesPerJob()).problem(count));
  }

  void steps(String field, Integer steps) {
    addIf(field, RequestRules.STEPS.problem(steps));
  }

  void guidance(String field, Double scale) {
    addIf(field, RequestRules.GUIDANCE.problem(scale));
  }

  void frames(String field, int frames) {
    addIf(field, RequestRules.FRAMES.problem(frames));
  }

  /** The first seed of {@code images} images, each of which gets seed + its index. */
  void seed(String field, Long seed, int images) {
    addIf(field, RequestRules.seedProblem(seed, images));
  }

  void add(String field, String message) {
    problems.putIfAbsent(field, message);
  }

  private void addIf(String field, Optional<String> message) {
    message.ifPresent(m -> add(field, m));
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  Map<String, String> asMap() {
    return Collections.unmodifiableMap(problems);
  }
}
