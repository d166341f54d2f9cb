/**
 * The studio's user-facing settings ({@link dev.unclipstudio.config.StudioConfig}, prefix {@code
 * studio}), read by every feature; it depends on no other package of ours.
 */
package dev.unclipstudio.config;
