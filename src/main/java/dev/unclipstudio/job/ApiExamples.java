package dev.unclipstudio.job;

/**
 * The request and answer examples of the OpenAPI document, in one place so that a test can send
 * them to the API and hold them to what it really accepts and answers ({@code ApiDocsTest}).
 */
final class ApiExamples {

  static final String TEXT_TO_IMAGE =
      """
      {"prompt": "a red circle at the top on a white background", "images": 4, "seed": 1234,
       "decoderGuidanceScale": 5.0}""";

  static final String VARIATION =
      """
      {"sourceImageId": 42, "images": 4}""";

  static final String INTERPOLATION =
      """
      {"imageA": 42, "imageB": 43, "frames": 5, "seed": 7}""";

  /** The mask is shortened here; send the whole base64 PNG, as large as the source. */
  static final String INPAINT =
      """
      {"sourceImageId": 42, "prompt": "a blue square", "images": 1,
       "mask": "iVBORw0KGgoAAAANSUhEUgAAAEAAAABACAAAAACPAi4CAAAA..."}""";

  static final String QUEUED_JOB =
      """
      {"id": 318, "kind": "TEXT_TO_IMAGE", "status": "QUEUED", "prompt": "a red circle at the top on a white background",
       "imageCount": 4, "percent": 0, "stage": null, "step": null, "stageSteps": null,
       "queuePosition": 2, "eta": null, "etaSeconds": null, "error": null,
       "createdAt": "2026-12-05T09:30:12.481Z", "cancelRequested": false, "imageIds": [],
       "details": {"params": {"prompt": "a red circle at the top on a white background",
                              "seeds": [1234, 1235, 1236, 1237], "decoderGuidanceScale": 5.0},
                   "pack": "tiny 2", "queueWait": null, "runTime": null,
                   "remakeLink": "/?prompt=a+red+circle+at+the+top+on+a+white+background&pack=tiny&images=4&seed=1234&decoderGuidanceScale=5.0"},
       "queueNote": null, "notes": [], "statusLabel": "Queued", "stageLabel": null, "active": true,
       "retryable": false}""";

  private ApiExamples() {}
}
