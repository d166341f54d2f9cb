/**
 * What every page shares: the base layout's context, template helpers, form text clean-up, the
 * web-role filter.
 */
package dev.unclipstudio.web;
