package dev.unclipstudio.job;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.config.StudioConfig;
import dev.unclipstudio.gallery.Image;
import dev.unclipstudio.pipeline.image.InvalidImageException;
import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.web.Forms;
import dev.unclipstudio.web.Users;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** Jobs that start from images: variations, interpolation between two images, and inpainting with a painted mask. */
@Path("/")
@Authenticated
@Blocking
@Produces(MediaType.TEXT_HTML)
@Consumes({MediaType.APPLICATION_FORM_URLENCODED, MediaType.MULTIPART_FORM_DATA})
public class ImageJobResource {

  static final int MAX_FRAMES = 16;

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance variations(Map<String, String> errors);

    static native TemplateInstance interpolate(Image a, Image b, List<Image> choices, Map<String, String> errors);

    static native TemplateInstance inpaint(Image source, String prompt, Map<String, String> errors, PackDefaults pack);
  }

  private final JobSubmission submission;
  private final ActivePack activePack;
  private final StudioConfig config;
  private final SecurityIdentity identity;

  ImageJobResource(JobSubmission submission, ActivePack activePack, StudioConfig config, SecurityIdentity identity) {
    this.submission = submission;
    this.activePack = activePack;
    this.config = config;
    this.identity = identity;
  }

  /** Variations of an image the user may see. */
  @POST
  @Path("images/{id}/variations")
  public Response variationsOf(@PathParam("id") long id, @RestForm String images) {
    Image.findVisible(id, user());
    Map<String, String> errors = new LinkedHashMap<>();
    int count = imageCount(images, errors);
    if (!errors.isEmpty()) {
      return Response.status(400).entity(Templates.variations(errors)).build();
    }
    return submit(JobKind.VARIATION, JobParams.variation(id, SubmitForm.randomSeeds(count), null, null), Map.of(),
        () -> Templates.variations(Map.of()));
  }

  @GET
  @Path("variations")
  public TemplateInstance variationsPage() {
    return Templates.variations(Map.of());
  }

  /** Variations of an uploaded image. */
  @POST
  @Path("variations")
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  public Response variationsOfUpload(@RestForm FileUpload image, @RestForm String images) {
    Map<String, String> errors = new LinkedHashMap<>();
    int count = imageCount(images, errors);
    byte[] png = null;
    try {
      png = Uploads.acceptImage(image, "an image");
    } catch (InvalidImageException e) {
      errors.put("image", e.getMessage());
    }
    if (!errors.isEmpty()) {
      return Response.status(400).entity(Templates.variations(errors)).build();
    }
    return submit(JobKind.VARIATION, JobParams.variation(null, SubmitForm.randomSeeds(count), null, null), Map.of("source", png),
        () -> Templates.variations(Map.of()));
  }

  @GET
  @Path("interpolate")
  @Transactional
  public TemplateInstance interpolatePage(@QueryParam("a") Long a, @QueryParam("b") Long b) {
    return Templates.interpolate(a == null ? null : Image.findVisible(a, user()),
        b == null ? null : Image.findVisible(b, user()), choices(),
        Map.of());
  }

  @POST
  @Path("interpolate")
  public Response interpolate(@RestForm Long a, @RestForm Long b, @RestForm String frames, @RestForm String seed) {
    Map<String, String> errors = new LinkedHashMap<>();
    if (a == null || b == null) {
      errors.put("images", "Choose two images.");
    } else if (a.equals(b)) {
      errors.put("images", "Choose two different images.");
    } else {
      checkVisible(a);
      checkVisible(b);
    }
    int frameCount = parseInt(frames, 5);
    if (frameCount < 2 || frameCount > MAX_FRAMES) {
      errors.put("frames", "Use 2 to %d frames.".formatted(MAX_FRAMES));
    }
    long s = seed == null || seed.isBlank() ? SubmitForm.randomSeeds(1).get(0) : parseLong(seed, -1);
    if (s < 0) {
      errors.put("seed", "Use a whole number of 0 or more, or leave it empty.");
    }
    if (!errors.isEmpty()) {
      return Response.status(400).entity(interpolatePageWith(a, b, errors)).build();
    }
    return submit(JobKind.INTERPOLATION, JobParams.interpolation(a, b, frameCount, s), Map.of(),
        () -> interpolatePageWith(a, b, Map.of()));
  }

  @GET
  @Path("inpaint")
  @Transactional
  public TemplateInstance inpaintPage(@QueryParam("image") Long imageId) {
    ModelPack pack = activePack.pack();
    return Templates.inpaint(imageId == null ? null : Image.findVisible(imageId, user()), "", Map.of(),
        pack == null ? null : PackDefaults.of(pack));
  }

  /** Inpainting: a gallery image or an upload, a mask (light = repaint) sent as a file, and a prompt. */
  @POST
  @Path("inpaint")
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  public Response inpaint(@RestForm Long sourceImageId, @RestForm FileUpload source, @RestForm FileUpload mask,
      @RestForm String prompt, @RestForm String images, @RestForm String steps, @RestForm String guidanceScale) {
    Map<String, String> errors = new LinkedHashMap<>();
    Map<String, byte[]> inputs = new LinkedHashMap<>();
    if (sourceImageId != null) {
      checkVisible(sourceImageId);
    } else {
      try {
        inputs.put("source", Uploads.acceptImage(source, "the image to repaint"));
      } catch (InvalidImageException e) {
        errors.put("source", e.getMessage());
      }
    }
    try {
      inputs.put("mask", Uploads.acceptImage(mask, "a mask"));
    } catch (InvalidImageException e) {
      errors.put("mask", e.getMessage() + " Paint the region to repaint, or upload a mask (white = repaint).");
    }
    String text = Forms.normalizeText(prompt);
    if (text.isEmpty()) {
      errors.put("prompt", "Describe what to paint in the masked region.");
    } else if (text.length() > config.queue().maxPromptLength()) {
      errors.put("prompt", "Use at most %d characters.".formatted(config.queue().maxPromptLength()));
    }
    int count = imageCount(images, errors);
    Integer stepCount = steps == null || steps.isBlank() ? null : parseInt(steps, -1);
    if (stepCount != null && (stepCount < 1 || stepCount > SubmitForm.MAX_STEPS)) {
      errors.put("steps", "Use 1 to %d steps, or leave it empty.".formatted(SubmitForm.MAX_STEPS));
    }
    Double guidance = guidanceScale == null || guidanceScale.isBlank() ? null : parseDouble(guidanceScale);
    if (guidance != null && !(guidance >= 0 && guidance <= SubmitForm.MAX_GUIDANCE)) {
      errors.put("guidanceScale", "Use a number from 0 to 30, or leave it empty.");
    }
    if (!errors.isEmpty()) {
      return Response.status(400).entity(inpaintPageWith(sourceImageId, text, errors)).build();
    }
    return submit(JobKind.INPAINT, JobParams.inpaint(text, sourceImageId, SubmitForm.randomSeeds(count), stepCount, guidance), inputs,
        () -> inpaintPageWith(sourceImageId, text, Map.of()));
  }

  private Response submit(JobKind kind, JobParams params, Map<String, byte[]> inputs,
      java.util.function.Supplier<TemplateInstance> page) {
    ModelPack pack = activePack.pack();
    if (pack == null) {
      return Response.status(503).entity(activePack.problem()).type(MediaType.TEXT_PLAIN).build();
    }
    if (kind == JobKind.INPAINT && !pack.hasInpainting()) {
      return Response.status(400).entity("The model pack " + pack.name() + " has no inpainting model.")
          .type(MediaType.TEXT_PLAIN).build();
    }
    try {
      long id = submission.submit(user(), kind, params, pack.name(), pack.version(), inputs);
      return Response.seeOther(URI.create("/jobs/" + id)).build();
    } catch (LimitExceededException e) {
      return Response.status(429).entity(e.getMessage()).type(MediaType.TEXT_PLAIN).build();
    } catch (BlockedPromptException e) {
      return Response.status(400).entity(e.getMessage()).type(MediaType.TEXT_PLAIN).build();
    }
  }

  @Transactional
  TemplateInstance interpolatePageWith(Long a, Long b, Map<String, String> errors) {
    return Templates.interpolate(a == null ? null : Image.findById(a), b == null ? null : Image.findById(b), choices(),
        errors);
  }

  @Transactional
  TemplateInstance inpaintPageWith(Long imageId, String prompt, Map<String, String> errors) {
    ModelPack pack = activePack.pack();
    return Templates.inpaint(imageId == null ? null : Image.findById(imageId), prompt, errors,
        pack == null ? null : PackDefaults.of(pack));
  }

  /** The user's own recent images and the newest shared ones, to choose from. */
  private List<Image> choices() {
    List<Image> images = new ArrayList<>(Image.<Image>find("ownerId = ?1 order by id desc", user().id()).page(0, 24)
        .list());
    Image.<Image>find("visibility = ?1 and ownerId <> ?2 order by id desc",
        dev.unclipstudio.gallery.Visibility.SHARED, user().id()).page(0, 24).list().forEach(images::add);
    return images;
  }

  private int imageCount(String value, Map<String, String> errors) {
    int count = parseInt(value, 4);
    if (count < 1 || count > config.queue().maxImagesPerJob()) {
      errors.put("images", "Use 1 to %d images.".formatted(config.queue().maxImagesPerJob()));
    }
    return count;
  }

  @Transactional
  void checkVisible(long id) {
    Image.findVisible(id, user());
  }

  private CurrentUser user() {
    return Users.current(identity);
  }

  private static int parseInt(String value, int fallback) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static long parseLong(String value, long invalid) {
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      return invalid;
    }
  }

  private static Double parseDouble(String value) {
    try {
      return Double.parseDouble(value.strip());
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
