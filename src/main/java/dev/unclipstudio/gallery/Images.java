package dev.unclipstudio.gallery;

import dev.unclipstudio.account.AppUser;
import dev.unclipstudio.account.CurrentUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.NotFoundException;

/**
 * One image at a time, as a user may see it: its page, its API view, and sharing it. Images the
 * user may not see are "not found" ({@link Image#findVisible}).
 */
@ApplicationScoped
public class Images {

  private final ImageStore store;

  Images(ImageStore store) {
    this.store = store;
  }

  /** For the PNG endpoints, whose bytes are read apart from the image row. */
  @Transactional
  void checkVisible(long id, CurrentUser viewer) {
    Image.findVisible(id, viewer);
  }

  @Transactional
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

  @Transactional
  ImageView view(long id, CurrentUser viewer) {
    Image image = Image.findVisible(id, viewer);
    return ImageView.of(image, store.params(image));
  }

  /**
   * Only the owner and admins may share an image or make it private; to others it is "not found".
   */
  @Transactional
  void setVisibility(long id, Visibility visibility, CurrentUser user) {
    Image image = Image.findVisible(id, user);
    if (!user.mayAccess(image.ownerId)) {
      throw new NotFoundException();
    }
    image.visibility = visibility;
  }
}
