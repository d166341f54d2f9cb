package dev.unclipstudio.job;

import dev.unclipstudio.config.StudioConfig;
import dev.unclipstudio.pipeline.pack.ModelPack;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The model packs this studio offers ({@code studio.packs}) and its default one, for the forms, the
 * request path, health and the console. Only the manifests are read, once (web-only instances load
 * no models); a folder whose manifest cannot be read is listed with the reason and offered to
 * nobody, and the other packs go on working.
 */
@ApplicationScoped
public class StudioPacks {

  private final StudioConfig config;
  private volatile List<PackEntry> entries;

  StudioPacks(StudioConfig config) {
    this.config = config;
  }

  /** Every configured folder in the configured order, usable or not. */
  public List<PackEntry> entries() {
    if (entries == null) {
      synchronized (this) {
        if (entries == null) {
          entries = PackEntry.readAll(config.packs());
        }
      }
    }
    return entries;
  }

  /** The packs whose manifest could be read, in the configured order. */
  public List<ModelPack> usable() {
    return entries().stream().filter(PackEntry::usable).map(PackEntry::pack).toList();
  }

  public Optional<ModelPack> named(String name) {
    return usable().stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /**
   * The pack named by {@code studio.default-pack}, else the first usable one; empty when it cannot
   * be used ({@link #defaultProblem} says why).
   */
  public Optional<ModelPack> defaultPack() {
    return config.defaultPack().map(this::named).orElseGet(() -> usable().stream().findFirst());
  }

  /** Why there is no default pack, or null when there is one. */
  public String defaultProblem() {
    if (defaultPack().isPresent()) {
      return null;
    }
    String problems =
        entries().stream()
            .filter(e -> !e.usable())
            .map(e -> e.dir() + ": " + e.problem())
            .collect(Collectors.joining("; "));
    return config.defaultPack().isPresent() && !usable().isEmpty()
        ? "studio.default-pack is "
            + config.defaultPack().get()
            + ", but no usable pack has that name (packs: "
            + names()
            + ")."
            + (problems.isEmpty() ? "" : " Not usable: " + problems)
        : "No model pack can be used. " + problems;
  }

  /**
   * Where a request goes: the pack it names, or, when it names none, the default pack if it can run
   * the request's kind, else the first listed pack that can (so a form without a choice, or the
   * gallery's one-click buttons, reach a pack that runs them). A pack that cannot run the kind is
   * returned all the same: {@link RequestRules#packProblem} refuses it with its message.
   */
  PackPick pick(String requested, JobKind kind) {
    if (usable().isEmpty()) {
      return PackPick.unavailable(defaultProblem());
    }
    if (requested != null && !requested.isBlank()) {
      return named(requested.strip())
          .map(PackPick::of)
          .orElseGet(() -> PackPick.unknown(RequestRules.unknownPack(requested.strip(), names())));
    }
    Optional<ModelPack> preferred = defaultPack();
    if (preferred.isEmpty()) {
      return PackPick.unavailable(defaultProblem());
    }
    return Stream.concat(preferred.stream(), usable().stream())
        .filter(p -> canRun(p, kind))
        .findFirst()
        .map(PackPick::of)
        .orElse(PackPick.of(preferred.get()));
  }

  /** The pack field of a form for {@code kind}, with {@code requested} selected when it can be. */
  public PackChoice choiceFor(JobKind kind, String requested) {
    List<String> options =
        usable().stream().filter(p -> canRun(p, kind)).map(p -> p.name()).toList();
    PackPick pick = pick(options.contains(requested) ? requested : null, kind);
    if (pick.pack() == null) {
      return new PackChoice(options, null, null, pick.unavailable());
    }
    return new PackChoice(
        options,
        pick.pack().name(),
        PackDefaults.of(pick.pack()),
        RequestRules.packProblem(RequestRules.PackAbilities.of(pick.pack()), kind).orElse(null));
  }

  private List<String> names() {
    return usable().stream().map(ModelPack::name).toList();
  }

  private static boolean canRun(ModelPack pack, JobKind kind) {
    return RequestRules.packProblem(RequestRules.PackAbilities.of(pack), kind).isEmpty();
  }
}
