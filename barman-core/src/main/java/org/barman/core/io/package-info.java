/** File-system helpers for writes that survive a crash. */
package org.barman.core.io;
