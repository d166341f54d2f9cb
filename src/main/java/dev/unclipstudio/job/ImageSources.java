package dev.unclipstudio.job;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.gallery.Image;
import dev.unclipstudio.gallery.ImageCard;
import dev.unclipstudio.gallery.Visibility;
import dev.unclipstudio.pipeline.image.ImageSize;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The gallery images a user may start a job from. */
@ApplicationScoped
public class ImageSources {

  /** The image, or {@code NotFoundException} when it is missing or the user may not see it. */
  @Transactional
  public ImageCard visible(long id, CurrentUser user) {
    return ImageCard.of(Image.findVisible(id, user));
  }

  /** Whether the user may see every one of these images (shared, their own, or any for admins). */
  @Transactional
  public boolean allVisible(Collection<Long> ids, CurrentUser user) {
    for (long id : ids) {
      Image image = Image.findById(id);
      if (image == null || !image.visibleTo(user)) {
        return false;
      }
    }
    return true;
  }

  /** The sizes of these images, by id; ids with no image are left out. */
  @Transactional
  public Map<Long, ImageSize> sizes(Collection<Long> ids) {
    Map<Long, ImageSize> sizes = new HashMap<>();
    for (long id : ids) {
      Image image = Image.findById(id);
      if (image != null) {
        sizes.put(id, new ImageSize(image.width, image.height));
      }
    }
    return sizes;
  }

  /**
   * The image if there is one and the user may see it, else null: for refilling a form that was
   * refused.
   */
  @Transactional
  public ImageCard visibleOrNull(Long id, CurrentUser user) {
    Image image = id == null ? null : Image.<Image>findById(id);
    return image != null && image.visibleTo(user) ? ImageCard.of(image) : null;
  }

  /** The user's own recent images and the newest shared ones, to choose from. */
  @Transactional
  public List<ImageCard> choices(CurrentUser user) {
    List<Image> images =
        new ArrayList<>(
            Image.<Image>find("ownerId = ?1 order by id desc", user.id()).page(0, 24).list());
    images.addAll(
        Image.<Image>find(
                "visibility = ?1 and ownerId <> ?2 order by id desc", Visibility.SHARED, user.id())
            .page(0, 24)
            .list());
    return images.stream().map(ImageCard::of).toList();
  }
}
