package dev.unclipstudio.pipeline;

import dev.unclipstudio.pipeline.sampling.StageOverrides;
import java.util.ArrayList;
import java.util.List;

/**
 * Several text → image requests run as one engine batch: every network call of a sampling loop
 * takes all their images together, each image with its own seed's noise and its own request's
 * prompt, so each request gets exactly the images it would get alone (docs/engine.md, "Batches of
 * requests"). The requests must sample alike: the same prior and decoder settings.
 */
public record TextToImageBatch(List<Member> members) {

  /** One request with the listener of its progress and its own cancellation. */
  public record Member(
      TextToImageRequest request, StepListener listener, CancellationToken cancellation) {

    public Member {
      if (request == null) {
        throw new IllegalArgumentException("a batch member needs a request");
      }
    }
  }

  public TextToImageBatch {
    if (members == null || members.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one request");
    }
    members = List.copyOf(members);
    TextToImageRequest first = members.get(0).request();
    for (Member m : members) {
      if (!m.request().prior().equals(first.prior())
          || !m.request().decoder().equals(first.decoder())) {
        throw new IllegalArgumentException(
            "requests in one batch must use the same prior and decoder settings: "
                + settingsOf(first)
                + " and "
                + settingsOf(m.request()));
      }
    }
  }

  /** A batch of one request, which is how the engine runs a request alone. */
  public static TextToImageBatch of(
      TextToImageRequest request, StepListener listener, CancellationToken cancellation) {
    return new TextToImageBatch(List.of(new Member(request, listener, cancellation)));
  }

  public StageOverrides prior() {
    return members.get(0).request().prior();
  }

  public StageOverrides decoder() {
    return members.get(0).request().decoder();
  }

  /** Every image's seed, request after request. */
  public List<Long> seeds() {
    List<Long> seeds = new ArrayList<>();
    members.forEach(m -> seeds.addAll(m.request().seeds()));
    return seeds;
  }

  /** Every image's prompt, in the order of {@link #seeds}. */
  public List<String> prompts() {
    List<String> prompts = new ArrayList<>();
    for (Member m : members) {
      m.request().seeds().forEach(s -> prompts.add(m.request().prompt()));
    }
    return prompts;
  }

  private static String settingsOf(TextToImageRequest r) {
    return "prior " + r.prior() + ", decoder " + r.decoder();
  }
}
