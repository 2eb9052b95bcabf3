package io.agentsh.policy;

/** One entry of the API keys file ({@code auth.api_key.keys_file}): {@code id, key, description, role}. */
public record ApiKey(String id, String key, String description, String role, SourcePos pos) {
    @Override public String toString() { return "ApiKey[id=" + id + ", role=" + role + "]"; } // never print the key
}
