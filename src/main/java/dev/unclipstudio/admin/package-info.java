/** The operator's console over every user's jobs, the workers, the users and the queue settings. */
package dev.unclipstudio.admin;
