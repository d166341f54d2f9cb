/**
 * Model packs: reading {@code pack.json}, and checking that every file exists and every ONNX
 * signature matches the manifest before anything runs (docs/model-packs.md).
 */
package dev.unclipstudio.pipeline.pack;
