/** Health checks and metrics for whoever runs the studio. */
package dev.unclipstudio.ops;
