/**
 * The contract suite of {@link org.barman.api.Transport}: {@link org.barman.testkit.transport.TransportContract}
 * (every transport) and {@link org.barman.testkit.transport.RemoteTransportContract} (transports that connect to
 * another host), with the tree builder and snapshots they use.
 */
package org.barman.testkit.transport;
