/**
 * Finished images: the gallery, one image's page and API view, its bytes, and sharing. Knows
 * nothing of jobs; the job pages read images from here, never the reverse.
 */
package dev.unclipstudio.gallery;
