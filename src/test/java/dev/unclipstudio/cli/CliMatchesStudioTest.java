package dev.unclipstudio.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.pipeline.image.PngCodec;
import dev.unclipstudio.testing.Await;
import dev.unclipstudio.testing.PostgresResource;
import dev.unclipstudio.testing.Sql;
import dev.unclipstudio.testing.TestData;
import dev.unclipstudio.testing.WebClient;
import dev.unclipstudio.worker.WorkerPool;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One request, two front doors: the command line and the studio give the same PNG, byte for byte —
 * the same keep rule, the same resolved settings and the same metadata writer.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class CliMatchesStudioTest {

  private static final String PROMPT = "a small green square in the bottom right corner";

  @Inject TestData data;
  @Inject Sql sql;
  @Inject WorkerPool pool;
  @TempDir Path temp;

  @AfterEach
  void stop() {
    pool.stop();
  }

  @Test
  void theCommandLineAndTheStudioWriteIdenticalPngsForOneRequest() throws Exception {
    pool.stop();
    data.reset();
    CurrentUser user = data.user("twin");
    WebClient browser = WebClient.signedIn(user.username(), "password-" + user.username());
    pool.start();
    Response submitted =
        browser.post(
            "/jobs",
            Map.of(
                "prompt",
                PROMPT,
                "images",
                "1",
                "seed",
                "41",
                "priorSteps",
                "3",
                "decoderSteps",
                "4"));
    assertEquals(303, submitted.statusCode(), submitted.asString());
    long job =
        Long.parseLong(
            URI.create(submitted.header("Location")).getPath().substring("/jobs/".length()));
    Await.until(
        Duration.ofSeconds(120),
        () -> "SUCCEEDED".equals(data.status(job)) || "FAILED".equals(data.status(job)));
    assertEquals(
        "SUCCEEDED", data.status(job), sql.string("SELECT error FROM job WHERE id = " + job));
    String image = sql.string("SELECT id FROM image WHERE job_id = " + job);
    byte[] studio = browser.get("/images/" + image + ".png").asByteArray();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        new Cli(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()),
                Map.of())
            .execute(
                "generate",
                PROMPT,
                "--images",
                "1",
                "--seed",
                "41",
                "--prior-steps",
                "3",
                "--steps",
                "4",
                "--out",
                temp.toString(),
                "--quiet");
    assertEquals(0, code);
    byte[] cli = Files.readAllBytes(Path.of(out.toString(StandardCharsets.UTF_8).strip()));

    assertEquals(PngCodec.readText(studio), PngCodec.readText(cli), "the same metadata");
    assertArrayEquals(studio, cli, "the same bytes");
  }
}
