/** GLIDE-style text-conditional inpainting with known-region re-insertion and exact paste-back. */
package dev.unclipstudio.pipeline.glide;
