/**
 * Building blocks that transports share, the project's own and third parties' alike: a bandwidth {@link
 * org.barman.api.support.Throttle}, a {@link org.barman.api.support.FileSyncer} that makes a copy durable while it
 * runs, {@link org.barman.api.support.LocalTrees} to write a copy's entries on this host without ever writing into
 * a previous backup's hard links nor through a link, {@link org.barman.api.support.TreePaths}, the one rule for the
 * names another host lists or sends (nothing outside the copied folder), {@link
 * org.barman.api.support.SourceChanges} for what a change of the source does (tolerated by a pull, fatal for a
 * push), and {@link org.barman.api.support.ShellWords} to read {@code ssh_command} and quote remote commands.
 * They need nothing but the JDK, so that a plug-in depending on {@code barman-api} alone can use them.
 */
package org.barman.api.support;
