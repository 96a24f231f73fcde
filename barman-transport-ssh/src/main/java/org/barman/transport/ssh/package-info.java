/**
 * The {@code ssh} transport plug-in: copies and remote commands over SSH in pure Java (JSch), no rsync needed.
 *
 * <p>Private API of the plug-in, no compatibility guarantees: only {@link org.barman.transport.ssh.SshTransportProvider}
 * is meant to be found, through {@code META-INF/services/org.barman.api.TransportProvider}.
 */
package org.barman.transport.ssh;
