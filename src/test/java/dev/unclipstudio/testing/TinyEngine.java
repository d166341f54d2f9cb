package dev.unclipstudio.testing;

import dev.unclipstudio.pipeline.Engine;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The tiny-pack engine of one test class, opened before its first test and closed after its last:
 * {@code @RegisterExtension static final TinyEngine TINY = new TinyEngine();} then {@code
 * TINY.engine()}.
 */
public final class TinyEngine implements BeforeAllCallback, AfterAllCallback {

  private Engine engine;

  public Engine engine() {
    return engine;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    engine = Fixtures.openTinyEngine();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (engine != null) {
      engine.close();
    }
  }
}
