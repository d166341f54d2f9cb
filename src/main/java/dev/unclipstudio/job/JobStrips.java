package dev.unclipstudio.job;

import dev.unclipstudio.account.CurrentUser;
import dev.unclipstudio.gallery.ImageStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A job's images side by side in one PNG (an interpolation's frames, in order), with the job in its
 * text chunks.
 */
@ApplicationScoped
public class JobStrips {

  private final ImageStore images;

  JobStrips(ImageStore images) {
    this.images = images;
  }

  /**
   * Empty when the job does not exist, has no images yet, or is someone else's: to others it is
   * "not found", never "forbidden", as on the job pages.
   */
  @Transactional
  Optional<byte[]> of(long jobId, CurrentUser user) {
    Job job = Job.findById(jobId);
    if (job == null || !user.mayAccess(job.ownerId)) {
      return Optional.empty();
    }
    List<byte[]> frames = images.pngsOfJob(jobId);
    if (frames.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> text = new LinkedHashMap<>();
    text.put("job", Long.toString(jobId));
    text.put("kind", job.kind.name());
    text.put("frames", Integer.toString(frames.size()));
    return Optional.of(Strips.horizontal(frames, text));
  }
}
