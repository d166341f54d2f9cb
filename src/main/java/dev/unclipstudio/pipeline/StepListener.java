package dev.unclipstudio.pipeline;

/** Receives progress after every sampler step, on the generating thread; keep it quick. */
@FunctionalInterface
public interface StepListener {

  StepListener NONE = e -> {};

  void onStep(StepEvent e);
}
