package dev.unclipstudio.gallery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.NotFoundException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** Reads image bytes (kept apart from the image rows) and parameters. */
@ApplicationScoped
public class ImageStore {

  private final DataSource dataSource;
  private final ObjectMapper json;

  ImageStore(DataSource dataSource, ObjectMapper json) {
    this.dataSource = dataSource;
    this.json = json;
  }

  public byte[] png(long imageId) {
    return bytes("SELECT png FROM image_data WHERE image_id = ?", imageId);
  }

  public byte[] thumbnail(long imageId) {
    return bytes("SELECT thumbnail FROM image_data WHERE image_id = ?", imageId);
  }

  /** The PNGs of a job's images in order, for a strip of interpolation frames. */
  public List<byte[]> pngsOfJob(long jobId) {
    List<byte[]> pngs = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT d.png FROM image i JOIN image_data d ON d.image_id = i.id WHERE i.job_id = ? ORDER BY i.index_in_job")) {
      ps.setLong(1, jobId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          pngs.add(rs.getBytes(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read the images of job " + jobId, e);
    }
    return pngs;
  }

  public Map<String, Object> params(Image image) {
    try {
      return json.readValue(image.params, new TypeReference<>() {});
    } catch (JsonProcessingException e) {
      return Map.of();
    }
  }

  private byte[] bytes(String sql, long id) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new NotFoundException();
        }
        return rs.getBytes(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read image " + id, e);
    }
  }
}
