package dev.unclipstudio.job;

/** One finished image, as a worker hands it to {@link JobQueue#complete}. */
public record ResultImage(
    int index,
    long seed,
    int width,
    int height,
    String paramsJson,
    Long sourceImageId,
    float[] embedding,
    byte[] png,
    byte[] thumbnail) {}
