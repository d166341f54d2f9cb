package dev.unclipstudio.account;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Several instances starting at once on a new database (two web pods, say) each try to create the
 * first administrator: exactly one does, and none fails its start (bench/drill.sh found the second
 * instance exiting on the unique name).
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class FirstAdminTest {

  @Inject AccountService accounts;
  @Inject Sql sql;

  @Test
  void instancesStartingTogetherCreateOneAdministratorAndAllStart() throws Exception {
    sql.execute("DELETE FROM app_user WHERE role = 'ADMIN'");
    int instances = 4;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(instances);
    try {
      List<Future<?>> starts = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        starts.add(
            pool.submit(
                () -> {
                  go.await();
                  accounts.createFirstAdminIfNone();
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> start : starts) {
        start.get(); // throws if that start failed
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, sql.count("app_user WHERE role = 'ADMIN'"));
  }
}
