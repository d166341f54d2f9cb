package dev.unclipstudio.pipeline;

import dev.unclipstudio.pipeline.pack.ModelPack;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one writer of what an image carries in its PNG text chunks (and the studio in its image row):
 * everything it takes to make the image again. Fed with the settings the pipeline reports having
 * used, so the command line and the studio write the same values for the same request, never
 * "default".
 */
public final class ImageMetadata {

  static final String SOFTWARE = "Unclip Studio";

  private ImageMetadata() {}

  /**
   * Where a request's images came from, besides their seeds and stage settings.
   *
   * @param prompt "" for none
   * @param sources the images it started from, as the caller names them (gallery ids, file names);
   *     empty for none
   */
  public record Origin(RequestKind kind, String prompt, List<String> sources) {

    public Origin {
      prompt = prompt == null ? "" : prompt;
      sources = List.copyOf(sources);
    }
  }

  /** The text chunks of each image of one request, in order; interpolation frames are numbered. */
  public static List<Map<String, String>> of(
      Origin origin, List<GeneratedImage> images, ModelPack pack) {
    List<Map<String, String>> out = new ArrayList<>(images.size());
    for (int i = 0; i < images.size(); i++) {
      out.add(of(origin, images.get(i), frame(origin, i, images.size()), pack));
    }
    return out;
  }

  private static String frame(Origin origin, int index, int count) {
    return origin.kind() == RequestKind.INTERPOLATION ? (index + 1) + " of " + count : null;
  }

  private static Map<String, String> of(
      Origin origin, GeneratedImage image, String frame, ModelPack pack) {
    Map<String, String> text = new LinkedHashMap<>();
    if (!origin.prompt().isEmpty()) {
      text.put("prompt", origin.prompt());
    }
    text.put("kind", origin.kind().name());
    text.put("seed", Long.toString(image.seed()));
    for (StageSettings s : image.settings()) {
      text.put(s.stage().key() + "_steps", Integer.toString(s.steps()));
      if (s.stage().guided()) {
        text.put(s.stage().key() + "_guidance_scale", Double.toString(s.guidanceScale()));
      }
    }
    if (frame != null) {
      text.put("frame", frame);
    }
    if (!origin.sources().isEmpty()) {
      text.put("source_images", origin.sources().toString());
    }
    text.put("pack", pack.name() + " " + pack.version());
    text.put("software", SOFTWARE);
    return text;
  }
}
