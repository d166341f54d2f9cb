package dev.unclipstudio.gallery;

import java.util.Map;

/** An image as the JSON API reports it, with the link to its PNG. */
public record ImageView(
    long id,
    long jobId,
    int indexInJob,
    long seed,
    int width,
    int height,
    String prompt,
    Visibility visibility,
    Long sourceImageId,
    Map<String, Object> params,
    String png) {

  static ImageView of(Image image, Map<String, Object> params) {
    return new ImageView(
        image.id,
        image.jobId,
        image.indexInJob,
        image.seed,
        image.width,
        image.height,
        image.prompt,
        image.visibility,
        image.sourceImageId,
        params,
        "/api/v1/images/" + image.id + "/png");
  }
}
