/** Barman for Java embedded in a Java program: back up, list and recover through the {@code Barman} facade. */
package org.barman.examples.embedding;
