/** The built-in retention policies: {@code REDUNDANCY n} and {@code RECOVERY WINDOW OF n units}. */
package org.barman.core.retention;
