package dev.unclipstudio.gallery;

import dev.unclipstudio.account.AppUser;
import dev.unclipstudio.account.CurrentUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.NotFoundException;
import java.util.List;

/**
 * Images as a user may see them: one image's page and API view, a job's results, sharing one or a
 * selection, and which images a download may hold. Images the user may not see are "not found"
 * ({@link Image#findVisible}).
 *
 * <p>Reads join a caller's transaction but open none ({@code SUPPORTS}): outside one, Hibernate
 * reads through the request's session, and a page view is spared a JTA begin, flush and commit.
 */
@ApplicationScoped
public class Images {

  /** The most images one selection may hold: more than a page of "My images", so any page fits. */
  static final int MAX_SELECTION = 100;

  private final ImageStore store;

  Images(ImageStore store) {
    this.store = store;
  }

  /** For the PNG endpoints, whose bytes are read apart from the image row. */
  @Transactional(TxType.SUPPORTS)
  void checkVisible(long id, CurrentUser viewer) {
    Image.findVisible(id, viewer);
  }

  @Transactional(TxType.SUPPORTS)
  ImageDetails details(long id, CurrentUser viewer) {
    Image image = Image.findVisible(id, viewer);
    String owner =
        AppUser.<AppUser>findByIdOptional(image.ownerId).map(u -> u.username).orElse("?");
    Image source = image.sourceImageId == null ? null : Image.<Image>findById(image.sourceImageId);
    Long sourceId = source != null && source.visibleTo(viewer) ? source.id : null;
    return new ImageDetails(
        image.id,
        image.jobId,
        image.prompt,
        image.width,
        image.height,
        image.visibility,
        store.params(image),
        owner,
        viewer.mayAccess(image.ownerId),
        sourceId);
  }

  @Transactional(TxType.SUPPORTS)
  ImageView view(long id, CurrentUser viewer) {
    Image image = Image.findVisible(id, viewer);
    return ImageView.of(image, store.params(image));
  }

  /**
   * A job's results that the viewer may see, in order; of the gallery images it was made from
   * ({@code sourceImageIds}, none for uploads and text), the one shown before the results when
   * {@code beforeAfter} (variations, inpainting) and the viewer may see it; and whether the viewer
   * may see them all.
   */
  @Transactional(TxType.SUPPORTS)
  public JobResults resultsOf(
      long jobId, List<Long> sourceImageIds, boolean beforeAfter, CurrentUser viewer) {
    List<ImageCard> results =
        Image.<Image>find("jobId = ?1 order by indexInJob", jobId).stream()
            .filter(image -> image.visibleTo(viewer))
            .map(ImageCard::of)
            .toList();
    List<Image> sources =
        sourceImageIds == null
            ? List.of()
            : sourceImageIds.stream().map(id -> Image.<Image>findById(id)).toList();
    boolean allVisible =
        sources.stream().allMatch(source -> source != null && source.visibleTo(viewer));
    ImageCard before =
        beforeAfter && sources.size() == 1 && allVisible ? ImageCard.of(sources.get(0)) : null;
    return new JobResults(results, before, allVisible);
  }

  /**
   * Only the owner and admins may share an image or make it private; to others it is "not found".
   */
  @Transactional
  void setVisibility(long id, Visibility visibility, CurrentUser user) {
    setVisibility(List.of(id), visibility, user);
  }

  /**
   * The same for a selection, all or nothing: one image the user may not change and none changes.
   */
  @Transactional
  void setVisibility(List<Long> ids, Visibility visibility, CurrentUser user) {
    List<Image> chosen = ids.stream().map(id -> Image.findVisible(id, user)).toList();
    if (chosen.stream().anyMatch(image -> !user.mayAccess(image.ownerId))) {
      throw new NotFoundException();
    }
    chosen.forEach(image -> image.visibility = visibility);
  }

  /**
   * The images of a download of a selection, in the order chosen: each must be visible to the user
   * (their own, shared, or any for admins), else the whole download is "not found".
   */
  @Transactional
  List<ImageZip.Entry> download(List<Long> ids, CurrentUser user) {
    return ids.stream()
        .map(id -> Image.findVisible(id, user))
        .map(image -> new ImageZip.Entry(image.id, "unclip-" + image.id + ".png"))
        .toList();
  }

  /**
   * The images of a job that the user may see, in order and numbered by their place in the job;
   * "not found" when there is none (a job of someone else's with no shared image, or no job).
   */
  @Transactional
  List<ImageZip.Entry> downloadOfJob(long jobId, CurrentUser user) {
    List<ImageZip.Entry> entries =
        Image.<Image>find("jobId = ?1 order by indexInJob", jobId).stream()
            .filter(image -> image.visibleTo(user))
            .map(
                image ->
                    new ImageZip.Entry(
                        image.id,
                        "job-%d-%02d-unclip-%d.png"
                            .formatted(jobId, image.indexInJob + 1, image.id)))
            .toList();
    if (entries.isEmpty()) {
      throw new NotFoundException();
    }
    return entries;
  }

  /** A selection of images for one request: one image at least, and a bounded number. */
  static List<Long> selection(List<Long> ids) {
    List<Long> distinct = ids == null ? List.of() : ids.stream().distinct().toList();
    if (distinct.isEmpty()) {
      throw new BadRequestException("Choose at least one image.");
    }
    if (distinct.size() > MAX_SELECTION) {
      throw new BadRequestException(
          "Choose at most %d images at once (%d chosen)."
              .formatted(MAX_SELECTION, distinct.size()));
    }
    return distinct;
  }
}
