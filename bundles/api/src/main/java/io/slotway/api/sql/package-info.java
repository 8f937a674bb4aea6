/**
 * PostgreSQL's lexical rules, for parts of Slotway that split, classify or rewrite SQL text: quotes,
 * {@code E''} escapes, dollar quoting, nested comments, parameters and operators.
 */
@Export
@Version("1.0.0")
package io.slotway.api.sql;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
