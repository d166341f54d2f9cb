package dev.unclipstudio.ops;

import dev.unclipstudio.job.ActivePack;
import dev.unclipstudio.pipeline.pack.ModelPack;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when the configured model pack's manifest can be read. */
@Readiness
@ApplicationScoped
public class PackHealthCheck implements HealthCheck {

  private final ActivePack activePack;

  PackHealthCheck(ActivePack activePack) {
    this.activePack = activePack;
  }

  @Override
  public HealthCheckResponse call() {
    ModelPack pack = activePack.pack();
    if (pack == null) {
      return HealthCheckResponse.named("model-pack")
          .down()
          .withData("problem", activePack.problem())
          .build();
    }
    return HealthCheckResponse.named("model-pack")
        .up()
        .withData("name", pack.name())
        .withData("version", pack.version())
        .build();
  }
}
