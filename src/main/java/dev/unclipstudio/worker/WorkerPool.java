package dev.unclipstudio.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unclipstudio.config.StudioConfig;
import dev.unclipstudio.job.JobInputs;
import dev.unclipstudio.job.JobQueue;
import dev.unclipstudio.job.LeaseState;
import dev.unclipstudio.job.PackEntry;
import dev.unclipstudio.pipeline.onnx.EngineOptions;
import dev.unclipstudio.pipeline.pack.ModelPack;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * This instance's workers: one platform thread per device and configured thread (JNI pins virtual
 * threads), each with its own engine per model pack. The packs are checked once at start; a pack
 * that cannot be opened is reported DOWN with the reason instead of failing its jobs one by one
 * (they wait in the queue for a worker that has it), and the other packs work. Only an instance
 * that can open no pack at all marks its workers UNHEALTHY.
 */
@ApplicationScoped
public class WorkerPool {

  private static final Logger LOG = Logger.getLogger(WorkerPool.class);

  private final StudioConfig config;
  private final JobQueue queue;
  private final WorkerRegistry registry;
  private final JobRunner runner;
  private final WorkerMetrics metrics;
  private final StageCosts costs;
  private final List<Worker> workers = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final Object wake = new Object();
  private final String instance;
  private volatile WorkerState state = WorkerState.STOPPED;
  private volatile String health = "not started";
  private volatile List<PackState> packStates = List.of();
  private ScheduledExecutorService heartbeat;
  private QueueListener listener;

  WorkerPool(
      StudioConfig config,
      JobQueue queue,
      WorkerRegistry registry,
      WorkerMetrics metrics,
      StageCosts costs,
      JobInputs inputs,
      ObjectMapper json) {
    this.metrics = metrics;
    this.costs = costs;
    this.config = config;
    this.queue = queue;
    this.registry = registry;
    this.runner = new JobRunner(json, new Thumbnails(), inputs);
    this.instance = config.worker().instanceName().orElseGet(WorkerPool::defaultInstanceName);
  }

  void onStart(@Observes StartupEvent event) {
    if (config.roles().worker()) {
      start();
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    stop();
  }

  /** Opens the configured packs, an engine per pack and worker, and starts the threads. */
  public void start() {
    start(config.packs().toArray(Path[]::new));
  }

  /**
   * Each worker opens every pack it can and claims only their jobs. A pack no worker can open is
   * DOWN with the reason and its jobs wait in the queue; only an instance that can open no pack at
   * all is UNHEALTHY.
   */
  synchronized void start(Path... packDirs) {
    if (state != WorkerState.STOPPED && state != WorkerState.UNHEALTHY) {
      return;
    }
    if (config.worker().batchImages() < 1) {
      throw new IllegalStateException(
          "studio.worker.batch-images must be at least 1, not " + config.worker().batchImages());
    }
    // Only the manifests here: each Engine.open checks every file and signature on its own
    // sessions.
    List<PackEntry> entries = PackEntry.readAll(List.of(packDirs));
    List<ModelPack> usable =
        entries.stream().filter(PackEntry::usable).map(PackEntry::pack).toList();
    List<PackState> unreadable =
        entries.stream()
            .filter(e -> !e.usable())
            .map(e -> PackState.down(e.label(), "cannot be used: " + e.problem()))
            .toList();
    List<PackState> opened = new ArrayList<>();
    MemoryBudget memory = MemoryBudget.ofThisMachine();
    String deviceProblem = null;
    state = WorkerState.RUNNING;
    for (String device : config.worker().devices()) {
      for (int t = 0; t < config.worker().threadsPerDevice(); t++) {
        String name = instance + "/" + device + "/" + t;
        WorkerEngines engines;
        try {
          engines = WorkerEngines.open(usable, engineOptions(device), budgetOf(device, memory));
        } catch (IllegalArgumentException e) { // an unknown device: no pack can open there
          registry.register(
              name, instance, device, WorkerState.UNHEALTHY, e.getMessage(), List.of());
          LOG.errorf("Worker %s cannot start: %s", name, e.getMessage());
          deviceProblem = e.getMessage();
          continue;
        }
        opened.addAll(engines.states());
        startWorker(name, device, t, engines, unreadable);
      }
    }
    packStates = poolStates(usable, opened, unreadable);
    health = summary(packStates) == null ? "ok" : summary(packStates);
    if (workers.isEmpty()) {
      markUnhealthy(deviceProblem != null ? deviceProblem : summary(packStates));
      return;
    }
    heartbeat = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "worker-heartbeat"));
    long period = Math.max(1, config.queue().lease().toMillis() / 3);
    heartbeat.scheduleAtFixedRate(this::beat, period, period, TimeUnit.MILLISECONDS);
    listener = new QueueListener(this);
    listener.start();
    LOG.infof(
        "Started %d worker(s) on %s; packs: %s",
        workers.size(), config.worker().devices(), describe(packStates));
  }

  /** Registers the worker with its packs' states and starts its thread, if it has a pack open. */
  private void startWorker(
      String name, String device, int index, WorkerEngines engines, List<PackState> unreadable) {
    List<PackState> packs = new ArrayList<>(engines.states());
    packs.addAll(unreadable);
    if (engines.isEmpty()) {
      registry.register(name, instance, device, WorkerState.UNHEALTHY, summary(packs), packs);
      LOG.errorf("Worker %s cannot start: %s", name, summary(packs));
      return;
    }
    Worker worker =
        new Worker(
            name,
            engines,
            queue,
            runner,
            this,
            metrics,
            costs,
            config.worker().progressInterval(),
            config.worker().previewInterval(),
            config.queue().lease(),
            config.worker().batchImages());
    registry.register(name, instance, device, WorkerState.RUNNING, summary(packs), packs);
    workers.add(worker);
    Thread started = new Thread(worker, "worker-" + device + "-" + index);
    threads.add(started);
    started.start();
  }

  /**
   * Each pack as this instance offers it: up when any worker has it open, else down with the first
   * worker's reason (or its manifest's).
   */
  private static List<PackState> poolStates(
      List<ModelPack> usable, List<PackState> opened, List<PackState> unreadable) {
    List<PackState> states = new ArrayList<>();
    for (ModelPack pack : usable) {
      List<PackState> onWorkers =
          opened.stream().filter(s -> s.pack().equals(pack.name())).toList();
      states.add(
          onWorkers.stream()
              .filter(PackState::up)
              .findFirst()
              .or(() -> onWorkers.stream().findFirst())
              .orElse(PackState.down(pack.name(), "is open on no worker")));
    }
    states.addAll(unreadable);
    return List.copyOf(states);
  }

  /**
   * CPU workers share the machine's memory; a GPU's sessions keep their weights on the GPU, where
   * ONNX Runtime's own failed allocation says that a pack does not fit.
   */
  private static MemoryBudget budgetOf(String device, MemoryBudget machine) {
    return device.equals("cpu") ? machine : MemoryBudget.unlimited();
  }

  /** The packs that are down and why, or null when every pack is up. */
  private static String summary(List<PackState> packs) {
    String down =
        packs.stream()
            .filter(p -> !p.up())
            .map(p -> "Model pack " + p.pack() + " " + p.problem())
            .collect(Collectors.joining("; "));
    return down.isEmpty() ? null : down;
  }

  private static String describe(List<PackState> packs) {
    return packs.stream()
        .map(p -> p.pack() + (p.up() ? " UP" : " DOWN (" + p.problem() + ")"))
        .collect(Collectors.joining(", "));
  }

  /**
   * Stops claiming, lets running jobs finish within the grace period, then gives the rest back to
   * the queue.
   */
  public void stop() {
    synchronized (this) {
      if (state == WorkerState.STOPPED) {
        return;
      }
      state = WorkerState.DRAINING;
    }
    wakeAll();
    long deadline = System.nanoTime() + config.worker().shutdownGrace().toNanos();
    for (Thread thread : threads) {
      joinUntil(thread, deadline);
    }
    for (Worker worker : workers) {
      worker.current().forEach(c -> c.stop(JobControl.Reason.SHUTDOWN));
    }
    for (Thread thread : threads) {
      joinUntil(thread, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
    }
    if (heartbeat != null) {
      heartbeat.shutdownNow();
    }
    if (listener != null) {
      listener.close();
    }
    threads.clear();
    workers.clear();
    packStates = List.of();
    state = WorkerState.STOPPED;
  }

  /** Pause: running jobs finish, nothing new is claimed. */
  public void pause() {
    if (state == WorkerState.RUNNING) {
      state = WorkerState.PAUSED;
      workers.forEach(w -> registry.state(w.name(), WorkerState.PAUSED));
    }
  }

  public void resume() {
    if (state == WorkerState.PAUSED) {
      state = WorkerState.RUNNING;
      workers.forEach(w -> registry.state(w.name(), WorkerState.RUNNING));
      wakeAll();
    }
  }

  public WorkerState state() {
    return state;
  }

  public String health() {
    return health;
  }

  /** Each configured pack as this instance's workers have it; empty while they are stopped. */
  public List<PackState> packStates() {
    return packStates;
  }

  boolean mayClaim(Worker worker) {
    while (state == WorkerState.PAUSED) {
      metrics.polled("paused");
      awaitWork();
    }
    return state == WorkerState.RUNNING;
  }

  /** Idles until a notification, a resume, or the poll interval. */
  void awaitWork() {
    synchronized (wake) {
      try {
        wake.wait(config.worker().pollInterval().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  void wakeAll() {
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  /** A cancel notification: stop that job now if one of ours runs it. */
  void cancelRequested(long jobId) {
    for (Worker worker : workers) {
      worker.current().stream()
          .filter(c -> c.lease().jobId() == jobId)
          .forEach(c -> c.stop(JobControl.Reason.CANCELLED));
    }
  }

  void running(Worker worker, Long jobId) {
    registry.currentJob(worker.name(), jobId);
  }

  void finished(Worker worker, boolean succeeded, int images) {
    registry.count(worker.name(), succeeded, images);
  }

  void stopped(Worker worker) {
    registry.state(worker.name(), WorkerState.STOPPED);
  }

  /** Applies what an admin asked for this instance in the console (pause, resume, drain). */
  void applyDesiredState() {
    registry
        .desiredState(instance)
        .ifPresent(
            desired -> {
              switch (desired) {
                case PAUSED -> pause();
                case RUNNING -> resume();
                case DRAINING -> drain();
                default -> {}
              }
            });
  }

  /** Finish running jobs, claim nothing new, and stay so until resumed. */
  public void drain() {
    if (state == WorkerState.RUNNING || state == WorkerState.PAUSED) {
      state = WorkerState.PAUSED;
      workers.forEach(w -> registry.state(w.name(), WorkerState.DRAINING));
    }
  }

  private void beat() {
    try {
      applyDesiredState();
      for (Worker worker : workers) {
        worker
            .current()
            .forEach(
                control -> {
                  LeaseState lease = queue.heartbeat(control.lease());
                  if (lease == LeaseState.CANCEL_REQUESTED) {
                    control.stop(JobControl.Reason.CANCELLED);
                  } else if (lease == LeaseState.LOST) {
                    control.stop(JobControl.Reason.LEASE_LOST);
                  }
                });
        registry.heartbeat(worker.name());
      }
    } catch (RuntimeException e) {
      LOG.warnf("Heartbeat failed (%s); a job whose lease expires will be rescued", e.getMessage());
    }
  }

  private void markUnhealthy(String reason) {
    state = WorkerState.UNHEALTHY;
    health = reason;
    for (String device : config.worker().devices()) {
      registry.register(
          instance + "/" + device, instance, device, WorkerState.UNHEALTHY, reason, packStates);
    }
    LOG.error(
        reason + " — this instance runs no jobs; they wait in the queue for a healthy worker");
  }

  /** "cpu", or "cuda:N" (the engine falls back to CPU with a warning when CUDA is unavailable). */
  private EngineOptions engineOptions(String device) {
    EngineOptions options;
    if (device.equals("cpu")) {
      options = EngineOptions.cpu();
    } else if (device.matches("cuda:\\d+")) {
      options = EngineOptions.cuda(Integer.parseInt(device.substring(5)));
    } else {
      throw new IllegalArgumentException("Unknown device '" + device + "': use cpu or cuda:N");
    }
    return options
        .withIntraOpThreads(config.worker().intraOpThreads())
        .withLowMemory(config.worker().lowMemory())
        .withMemoryArena(config.worker().memoryArena().orElseGet(NativeMemory::arenaByDefault));
  }

  private static void joinUntil(Thread thread, long deadlineNanos) {
    long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    try {
      thread.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String defaultInstanceName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "localhost";
    }
    return host + ":" + ManagementFactory.getRuntimeMXBean().getPid();
  }
}
