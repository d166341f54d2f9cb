/**
 * Unclip Studio: {@link dev.unclipstudio.Main} starts the studio (with its embedded PostgreSQL when
 * no datasource is configured) or runs a command-line tool. Each feature has a package of its own;
 * docs/architecture.md maps them.
 */
package dev.unclipstudio;
