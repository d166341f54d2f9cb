package dev.unclipstudio.ops;

import dev.unclipstudio.config.StudioConfig;
import dev.unclipstudio.worker.WorkerPool;
import dev.unclipstudio.worker.WorkerState;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * On worker instances: DOWN with the reason when the workers could not start (a broken pack, a
 * missing device).
 */
@Readiness
@ApplicationScoped
public class WorkerHealthCheck implements HealthCheck {

  private final WorkerPool pool;
  private final StudioConfig config;

  WorkerHealthCheck(WorkerPool pool, StudioConfig config) {
    this.pool = pool;
    this.config = config;
  }

  @Override
  public HealthCheckResponse call() {
    if (!config.roles().worker()) {
      return HealthCheckResponse.named("workers").up().withData("role", "web only").build();
    }
    WorkerState state = pool.state();
    return HealthCheckResponse.named("workers")
        .status(state != WorkerState.UNHEALTHY)
        .withData("state", state.name())
        .withData("health", pool.health())
        .build();
  }
}
