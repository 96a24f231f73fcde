/** Reading {@code barman.conf} into an immutable, validated configuration, with Barman's rules. */
package org.barman.core.config;
