package dev.unclipstudio.job;

import dev.unclipstudio.config.StudioConfig;
import dev.unclipstudio.pipeline.pack.ModelPack;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The model packs this studio offers ({@code studio.packs}) and its default one, for the forms, the
 * request path, health and the console. Only the manifests are read, once (web-only instances load
 * no models); a folder whose manifest cannot be read is listed with the reason and offered to
 * nobody, and the other packs go on working.
 */
@ApplicationScoped
public class StudioPacks {

  private static final Logger LOG = Logger.getLogger(StudioPacks.class);

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
          config
              .defaultPack()
              .filter(name -> named(name).isEmpty())
              .ifPresent(
                  name ->
                      LOG.errorf(
                          "studio.default-pack is %s, but no usable pack has that name (packs: %s)",
                          name, names()));
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
   * The pack named by {@code studio.default-pack}, else the first usable one; empty when none can
   * be used, or when the named one cannot (requests then go to the first pack that can run them).
   */
  public Optional<ModelPack> defaultPack() {
    return config.defaultPack().map(this::named).orElseGet(() -> usable().stream().findFirst());
  }

  /**
   * Where a request goes: the pack it names, or, when it names none, the default pack if it can run
   * the request's kind, else the first listed pack that can (so a form without a choice, or the
   * gallery's one-click buttons, reach a pack that runs them). A pack that cannot run the kind is
   * returned all the same: {@link RequestRules#packProblem} refuses it with its message.
   */
  PackPick pick(String requested, JobKind kind) {
    if (usable().isEmpty()) {
      return PackPick.unavailable(
          "No model pack can be used. "
              + entries().stream()
                  .map(e -> e.dir() + ": " + e.problem())
                  .collect(Collectors.joining("; ")));
    }
    if (requested != null && !requested.isBlank()) {
      return named(requested.strip())
          .map(PackPick::of)
          .orElseGet(() -> PackPick.unknown(RequestRules.unknownPack(requested.strip(), names())));
    }
    List<ModelPack> candidates = Stream.concat(defaultPack().stream(), usable().stream()).toList();
    return PackPick.of(
        candidates.stream().filter(p -> canRun(p, kind)).findFirst().orElse(candidates.get(0)));
  }

  /** The pack field of a form for {@code kind}, with {@code requested} selected when it can be. */
  public PackChoice choiceFor(JobKind kind, String requested) {
    List<String> options =
        usable().stream().filter(p -> canRun(p, kind)).map(ModelPack::name).toList();
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
