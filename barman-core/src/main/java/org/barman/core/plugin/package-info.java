/** Discovery of the providers of compressors, transports, retention policies and backup strategies. */
package org.barman.core.plugin;
