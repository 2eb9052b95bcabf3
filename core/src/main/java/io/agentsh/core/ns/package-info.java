/** Namespaces for governed commands ({@code sandbox.namespaces.*}); today the PID namespace. */
package io.agentsh.core.ns;
