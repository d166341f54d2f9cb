/**
 * ONNX Runtime execution: one AutoCloseable class per pack stage, each owning the session it
 * creates once from the model file. Every tensor and result is closed; outputs are copied out
 * first.
 */
package dev.unclipstudio.pipeline.onnx;
