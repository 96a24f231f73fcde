/**
 * JMH benchmarks of Barman for Java. They are compiled by every build and run only on demand, with
 * {@code benchmarks/scripts/run-jmh.sh}; see {@code benchmarks/README.md}.
 */
package org.barman.benchmarks;
