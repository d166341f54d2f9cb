/**
 * Users, passwords, sessions and API tokens, and the {@link dev.unclipstudio.account.CurrentUser}
 * every request carries. Depends on no feature package, so that all of them may depend on it.
 */
package dev.unclipstudio.account;
