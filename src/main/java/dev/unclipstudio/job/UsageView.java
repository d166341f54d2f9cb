package dev.unclipstudio.job;

import dev.unclipstudio.account.CurrentUser;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

/**
 * The signed-in user's {@link QueueUsage} for the pages that show it ({@code {inject:usage.mine}}
 * in {@code usage.html}: the create pages and the account page), read once per request.
 */
@Named("usage")
@RequestScoped
public class UsageView {

  private final SecurityIdentity identity;
  private final JobSubmission submission;
  private QueueUsage mine;

  UsageView(SecurityIdentity identity, JobSubmission submission) {
    this.identity = identity;
    this.submission = submission;
  }

  public QueueUsage mine() {
    if (mine == null) {
      mine = submission.usage(CurrentUser.of(identity).id());
    }
    return mine;
  }
}
