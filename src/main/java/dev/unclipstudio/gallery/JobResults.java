package dev.unclipstudio.gallery;

import java.util.List;

/**
 * A job's results as its page shows them: the images the viewer may see, in order; the gallery
 * image they were made from (variations, inpainting) when the viewer may see it, else null; and
 * whether the viewer may see every gallery image the job was made from — only then may the page
 * offer to make it again from them, since the offer names them.
 */
public record JobResults(List<ImageCard> images, ImageCard source, boolean sourcesVisible) {}
