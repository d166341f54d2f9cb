package dev.unclipstudio.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * KEDA's query (deploy/kubernetes/keda.yaml) run on the studio's real schema: it counts the jobs
 * waiting or running, and only those, as the queue metrics do.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class ScalingQueryTest {

  @Inject TestData data;
  @Inject Sql sql;
  @Inject QueueMetrics metrics;

  @Test
  void kedasQueryCountsTheJobsWaitingOrRunning() {
    data.reset();
    CurrentUser one = data.user("scale");
    CurrentUser two = data.user("scale");
    long running = data.textJob(one, "running");
    long done = data.textJob(one, "done");
    long failed = data.textJob(two, "failed");
    long cancelled = data.textJob(two, "cancelled");
    data.textJob(one, "waiting");
    data.textJob(two, "waiting too");
    sql.execute(
        "UPDATE job SET status = 'RUNNING' WHERE id = " + running,
        "UPDATE job SET status = 'SUCCEEDED' WHERE id = " + done,
        "UPDATE job SET status = 'FAILED' WHERE id = " + failed,
        "UPDATE job SET status = 'CANCELLED' WHERE id = " + cancelled);

    long counted = sql.number(KubernetesManifestsTest.kedaQuery());

    assertEquals(3, counted, "two waiting and one running");
    Map<String, Double> figures = metrics.read();
    assertEquals(
        figures.get("jobs.QUEUED") + figures.get("jobs.RUNNING"),
        (double) counted,
        "the same jobs as studio_jobs QUEUED + RUNNING");
    assertEquals((double) counted, figures.get("jobs.active"), "studio_jobs_active shows it");
  }
}
