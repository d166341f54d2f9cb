/**
 * Time that several instances agree on: {@link dev.unclipstudio.time.DatabaseClock}, the database's
 * clock, which tests move instead of sleeping. Depends on nothing of ours.
 */
package dev.unclipstudio.time;
