/** Security mode selection at server start ({@code security.mode}, {@code sandbox.allow_degraded}). */
package io.agentsh.core.mode;
