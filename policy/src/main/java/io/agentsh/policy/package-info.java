/** Policy and server-config models, compiled matchers and the decision engine. Pure Java: no native code, no I/O but reading YAML. */
package io.agentsh.policy;
