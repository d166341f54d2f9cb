/**
 * Plain float tensors (row-major data plus a shape) and the few batch operations the pipelines
 * need.
 */
package dev.unclipstudio.pipeline.tensor;
