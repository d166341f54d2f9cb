package dev.unclipstudio.job;

import dev.unclipstudio.pipeline.pack.ModelPack;

/**
 * Where a request goes ({@link StudioPacks#pick}): a pack, or a refusal — {@code unknown} for a
 * name the studio does not offer (a fault of the request's pack field), {@code unavailable} when
 * the studio has no usable pack at all (nothing can be queued until an administrator fixes it).
 */
record PackPick(ModelPack pack, String unknown, String unavailable) {

  static PackPick of(ModelPack pack) {
    return new PackPick(pack, null, null);
  }

  static PackPick unknown(String message) {
    return new PackPick(null, message, null);
  }

  static PackPick unavailable(String message) {
    return new PackPick(null, null, message);
  }
}
