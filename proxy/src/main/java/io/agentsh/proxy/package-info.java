/** Network enforcement: explicit and transparent proxies, DNS proxy, DLP redaction, LLM proxy. */
package io.agentsh.proxy;
