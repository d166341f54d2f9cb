/**
 * What every page shares: the base layout's context, template helpers, form text clean-up, the
 * web-role filter, the answers to errors (pages and problem details), the expired-form page, and
 * the API's OpenAPI document.
 */
package dev.unclipstudio.web;
