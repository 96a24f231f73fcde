/**
 * The Barman facade for programs that embed Barman: {@link org.barman.core.Barman} loads a configuration and
 * gives {@link org.barman.core.Server}s to work with.
 */
package org.barman.core;
