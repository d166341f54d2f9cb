package dev.unclipstudio.job;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * What image jobs read besides their parameters: gallery images' PNGs and embeddings, and uploaded
 * inputs.
 */
@ApplicationScoped
public class JobInputs {

  private final DataSource dataSource;

  JobInputs(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * An uploaded input of a job ("source", "mask"), re-encoded as PNG when it was accepted; null if
   * absent.
   */
  public byte[] input(long jobId, String name) {
    return bytes("SELECT png FROM job_input WHERE job_id = ? AND name = ?", jobId, name);
  }

  /** A gallery image's PNG; null if it was deleted meanwhile. */
  public byte[] imagePng(long imageId) {
    return bytes("SELECT png FROM image_data WHERE image_id = ?", imageId, null);
  }

  /**
   * The CLIP image embedding stored with a gallery image, when a job of {@code pack} made it; else
   * null. Each pack's CLIP has an embedding space of its own, so another pack's is never reused.
   */
  public float[] embedding(long imageId, String pack) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT i.embedding FROM image i JOIN job j ON j.id = i.job_id"
                    + " WHERE i.id = ? AND j.pack_name = ?")) {
      ps.setLong(1, imageId);
      ps.setString(2, pack);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        Array array = rs.getArray(1);
        if (array == null) {
          return null;
        }
        Float[] boxed = (Float[]) array.getArray();
        float[] values = new float[boxed.length];
        for (int i = 0; i < boxed.length; i++) {
          values[i] = boxed[i];
        }
        return values;
      }
    } catch (SQLException e) {
      throw new QueueException("Could not read the embedding of image " + imageId, e);
    }
  }

  private byte[] bytes(String sql, long id, String name) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, id);
      if (name != null) {
        ps.setString(2, name);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBytes(1) : null;
      }
    } catch (SQLException e) {
      throw new QueueException("Could not read an input of job or image " + id, e);
    }
  }
}
