package dev.unclipstudio.testing;

import dev.unclipstudio.pipeline.glide.GlideSmallPack;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The studio with three packs side by side: the tiny pack (unCLIP and inpainting, the default), the
 * small GLIDE pack (inpainting only; made whole in a temporary folder with its vocabulary from
 * ../shared) and a folder whose pack.json is corrupt. Test classes using it check {@link
 * #glideVocabularyPresent} first.
 */
public class SeveralPacksProfile implements QuarkusTestProfile {

  public static final String BROKEN = "broken-pack";

  public static boolean glideVocabularyPresent() {
    return Files.exists(Fixtures.SHARED.resolve("data/glide/encoder.json.gz"));
  }

  @Override
  public Map<String, String> getConfigOverrides() {
    try {
      Path temp = Files.createTempDirectory("several-packs");
      Path glide = GlideSmallPack.copyWithVocabulary(temp);
      Path broken = Files.createDirectories(temp.resolve(BROKEN));
      Files.writeString(broken.resolve("pack.json"), "{\"format\": 1, \"name\": \"broken\"");
      return Map.of(
          "studio.packs",
          String.join(",", Fixtures.TINY_PACK.toString(), glide.toString(), broken.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
