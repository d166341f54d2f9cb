package dev.unclipstudio.gallery;

import java.util.List;

/**
 * A job's results as its page shows them: the images the viewer may see, in order, and the gallery
 * image they were made from (variations, inpainting) when the viewer may see it, else null.
 */
public record JobResults(List<ImageCard> images, ImageCard source) {}
