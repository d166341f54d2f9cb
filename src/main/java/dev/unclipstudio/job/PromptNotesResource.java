package dev.unclipstudio.job;

import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * The notes a prompt would get, asked by the create pages' script (js/prompt-notes.js) while the
 * user types, so that unknown words and a cut show before anything is submitted. Reads only: a GET
 * with nothing to protect by a form token.
 */
@Path("/prompt-notes")
@Authenticated
@Blocking
public class PromptNotesResource {

  /** What the script receives: the notes, empty when the prompt reads well. */
  public record Notes(List<String> notes) {}

  private final PromptNotes notes;

  PromptNotesResource(PromptNotes notes) {
    this.notes = notes;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Notes forPrompt(
      @QueryParam("prompt") String prompt,
      @QueryParam("pack") String pack,
      @QueryParam("kind") @DefaultValue("TEXT_TO_IMAGE") JobKind kind) {
    return new Notes(notes.forPrompt(prompt == null ? "" : prompt.strip(), pack, kind));
  }
}
