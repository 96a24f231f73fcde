/**
 * The {@code rsync} transport: copies with the real rsync over the server's {@code ssh_command}, commands with that
 * ssh. Private API: no compatibility guarantees; use it through {@link org.barman.api.TransportProvider}.
 */
package org.barman.transport.rsync;
