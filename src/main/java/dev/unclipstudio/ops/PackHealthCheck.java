package dev.unclipstudio.ops;

import dev.unclipstudio.config.StudioConfig;
import dev.unclipstudio.job.PackEntry;
import dev.unclipstudio.job.StudioPacks;
import dev.unclipstudio.worker.PackState;
import dev.unclipstudio.worker.WorkerPool;
import dev.unclipstudio.worker.WorkerState;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Every configured model pack, "UP" or "DOWN: reason", in the check's data: its manifest on every
 * instance, and on a worker instance whether its workers could open it. The check is DOWN only when
 * no pack is up: one broken pack among several must not take the instance out of a load balancer's
 * rotation while the others work.
 */
@Readiness
@ApplicationScoped
public class PackHealthCheck implements HealthCheck {

  private final StudioPacks packs;
  private final WorkerPool pool;
  private final StudioConfig config;

  PackHealthCheck(StudioPacks packs, WorkerPool pool, StudioConfig config) {
    this.packs = packs;
    this.pool = pool;
    this.config = config;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response = HealthCheckResponse.named("model-pack");
    boolean anyUp = false;
    for (PackEntry entry : packs.entries()) {
      Optional<String> problem = problem(entry);
      anyUp |= problem.isEmpty();
      response.withData(entry.label(), problem.map(p -> "DOWN: " + p).orElse("UP"));
    }
    packs.defaultPack().ifPresent(p -> response.withData("default", p.name()));
    return response.status(anyUp).build();
  }

  /** Why the pack cannot take jobs here, if it cannot. */
  private Optional<String> problem(PackEntry entry) {
    if (!entry.usable()) {
      return Optional.of("cannot be used: " + entry.problem());
    }
    if (!config.roles().worker() || pool.state() == WorkerState.STOPPED) {
      return Optional.empty(); // a web-only instance only reads manifests
    }
    List<PackState> states = pool.packStates();
    return states.stream()
        .filter(s -> s.pack().equals(entry.label()))
        .findFirst()
        .filter(s -> !s.up())
        .map(PackState::problem);
  }
}
