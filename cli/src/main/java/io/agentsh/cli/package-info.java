/** The agentsh command line. */
package io.agentsh.cli;
