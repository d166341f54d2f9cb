/**
 * Text tokenizers (CLIP BPE and GPT-2 BPE) that turn prompts into fixed-length id rows and
 * attention masks.
 */
package dev.unclipstudio.pipeline.text;
