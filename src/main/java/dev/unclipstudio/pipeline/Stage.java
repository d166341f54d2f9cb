package dev.unclipstudio.pipeline;

/**
 * A diffusion stage of a request: what progress reports name and what a seed's noise streams are
 * split by.
 *
 * <p>The noise stream id is a fixed number of the stage, not derived from any name, so renaming a
 * stage or its label can never change the images stored seeds make. The ids are the values that
 * {@code String.hashCode()} gave the stage names when streams were first keyed by them, so images
 * made before this type existed are made again exactly ({@code PinnedImagesTest} pins them).
 */
public enum Stage {
  PRIOR("prior", "Prior", 106934986, true),
  DECODER("decoder", "Decoder", 1542433860, true),
  SUPER_RES("super_res", "Upscaling", -332520996, false),
  INPAINT_BASE("inpaint_base", "Inpainting", 1372910839, true),
  INPAINT_UPSAMPLER("inpaint_upsampler", "Inpainting upscaler", -850946393, false);

  private final String key;
  private final String label;
  private final int noiseStream;
  private final boolean guided;

  Stage(String key, String label, int noiseStream, boolean guided) {
    this.key = key;
    this.label = label;
    this.noiseStream = noiseStream;
    this.guided = guided;
  }

  /**
   * Stable machine name: stored with job progress, used as the metrics label and in fixture files.
   */
  public String key() {
    return key;
  }

  /**
   * The label of the stage with this {@link #key()}; the key itself for a stage this version does
   * not know.
   */
  public static String labelOf(String key) {
    for (Stage stage : values()) {
      if (stage.key.equals(key)) {
        return stage.label;
      }
    }
    return key;
  }

  /** What a person reads in progress displays. */
  public String label() {
    return label;
  }

  /** Whether the stage takes classifier-free guidance (upsamplers do not). */
  public boolean guided() {
    return guided;
  }

  /**
   * The id a seed's noise stream for this stage is derived from; fixed forever (see the class
   * comment).
   */
  public int noiseStream() {
    return noiseStream;
  }
}
