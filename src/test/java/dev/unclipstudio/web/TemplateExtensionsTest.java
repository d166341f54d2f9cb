package dev.unclipstudio.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TemplateExtensionsTest {

  @Test
  void storedNamesReadAsWords() {
    assertEquals("Prior guidance scale", TemplateExtensions.humanized("prior_guidance_scale"));
    assertEquals("Text to image", TemplateExtensions.humanized("TEXT_TO_IMAGE"));
    assertEquals("Seed", TemplateExtensions.humanized("seed"));
  }

  @Test
  void timesShowTheirZoneAndSecondsEvenOnTheMinute() {
    OffsetDateTime at =
        OffsetDateTime.of(2026, 12, 4, 21, 53, 0, 123_000_000, ZoneOffset.ofHours(2));
    assertEquals(
        "<time datetime=\"2026-12-04T19:53:00Z\">2026-12-04 19:53:00 UTC</time>",
        TemplateExtensions.timeTag(at).getValue());
  }
}
