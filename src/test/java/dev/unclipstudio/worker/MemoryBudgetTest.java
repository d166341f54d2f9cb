package dev.unclipstudio.worker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unclipstudio.pipeline.onnx.EngineOptions;
import dev.unclipstudio.pipeline.pack.ModelPack;
import dev.unclipstudio.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A pack that does not fit in the memory left is refused with the figures, before loading. */
class MemoryBudgetTest {

  private static final long MB = 1L << 20;

  @Test
  void aPackLargerThanTheMemoryLeftIsDownWithTheFiguresAndNothingIsOpened() throws Exception {
    ModelPack tiny = ModelPack.readManifest(Fixtures.requireTinyPack());
    try (WorkerEngines engines =
        WorkerEngines.open(List.of(tiny), EngineOptions.cpu(), new MemoryBudget(MB))) {
      assertTrue(engines.isEmpty());
      PackState state = engines.states().get(0);
      assertFalse(state.up());
      assertTrue(
          state
              .problem()
              .matches("does not fit in memory: its models take \\d+\\.\\d MB, and 1\\.0 MB .*"),
          state.problem());
    }
  }

  @Test
  void everyEngineTakesItsShareSoALaterWorkerMayFindNoRoom() throws Exception {
    ModelPack tiny = ModelPack.readManifest(Fixtures.requireTinyPack());
    MemoryBudget budget = new MemoryBudget(70 * MB); // the tiny pack's engine needs about 61 MB
    assertTrue(budget.reserve(tiny, false).isEmpty());
    assertTrue(budget.reserve(tiny, false).orElseThrow().startsWith("does not fit in memory"));
  }

  @Test
  void inLowMemoryModeAnEngineTakesItsLargestStage() throws Exception {
    ModelPack tiny = ModelPack.readManifest(Fixtures.requireTinyPack());
    MemoryBudget budget = new MemoryBudget(25 * MB); // its largest stage, the prior: 10.8 MB × 1.9
    assertTrue(budget.reserve(tiny, false).orElseThrow().contains("its models take"));
    assertTrue(budget.reserve(tiny, true).isEmpty());
  }
}
