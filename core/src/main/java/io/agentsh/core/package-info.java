/** The daemon: sessions, exec pipeline, HTTP API, audit, approvals and kernel supervisors. */
package io.agentsh.core;
