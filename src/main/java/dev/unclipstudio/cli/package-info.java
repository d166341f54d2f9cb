/**
 * Command-line front end over the engine: generate, variations, interpolate, inpaint and pack-info.
 */
package dev.unclipstudio.cli;
