package io.agentsh.proxy.net;

import io.agentsh.policy.Engine;
import io.agentsh.policy.EngineOptions;
import io.agentsh.policy.PolicyLoader;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The adapter over the real policy engine, with rules shaped like the shipped default policy. */
class EngineNetworkPolicyTest {
    static final String YAML = """
            version: 1
            name: net-test
            network_rules:
              - name: block-metadata-services
                cidrs: ["169.254.169.254/32"]
                decision: deny
              - name: allow-github
                domains: ["github.com", "*.github.com"]
                ports: [443, 80]
                decision: allow
              - name: block-private-networks
                cidrs: ["10.0.0.0/8", "192.168.0.0/16", "127.0.0.0/8", "fc00::/7"]
                decision: deny
              - name: approve-unknown-https
                ports: [443]
                decision: approve
                timeout: 45s
              - name: default-deny-network
                domains: ["*"]
                decision: deny
            connect_redirects:
              - name: to-vertex-proxy
                match: "^api\\\\.anthropic\\\\.com:443$"
                redirect_to: vertex.internal:8443
                visibility: warn
                on_failure: retry_original
              - name: to-socket
                match: "^db\\\\.test:5432$"
                redirect_to_unix: /run/db.sock
            dns_redirects:
              - name: to-vertex
                match: ".*\\\\.anthropic\\\\.com"
                resolve_to: 10.0.0.50
            """;

    static NetworkPolicy policy() throws Exception {
        return new EngineNetworkPolicy(Engine.compile(PolicyLoader.parse("net-test.yaml", YAML), EngineOptions.defaults()));
    }

    @Test
    void dialledAddressDecides() throws Exception {
        NetworkPolicy p = policy();
        NetDecision meta = p.check("2852039166", 80, List.of(InetAddress.ofLiteral("169.254.169.254")));
        assertFalse(meta.allowed());
        assertEquals("block-metadata-services", meta.rule());
        assertTrue(p.check("api.github.com", 443, List.of(InetAddress.ofLiteral("140.82.112.6"))).allowed());
        NetDecision ten = p.check(null, 80, List.of(InetAddress.ofLiteral("10.0.0.1")));
        assertEquals("block-private-networks", ten.rule());
    }

    @Test
    void loneStarCatchAllAndApproveAreDenials() throws Exception {
        NetworkPolicy p = policy();
        NetDecision other = p.check("evil.com", 80, List.of(InetAddress.ofLiteral("203.0.113.9")));
        assertFalse(other.allowed());
        assertEquals("default-deny-network", other.rule());
        assertTrue(other.forDnsLookup().allowed(), "the default deny is monitor-only for DNS");
        NetDecision approve = p.check("unknown.example", 443, List.of(InetAddress.ofLiteral("203.0.113.9")));
        assertFalse(approve.allowed(), "approvals are disabled: approve must not let the connection through");
        assertEquals("approve-unknown-https", approve.rule());
    }

    @Test
    void dnsRedirectsComeFromThePolicy() throws Exception {
        NetworkPolicy p = policy();
        DnsRedirect r = p.dnsRedirect("api.anthropic.com");
        assertEquals(InetAddress.ofLiteral("10.0.0.50"), r.resolveTo());
        assertEquals("to-vertex", r.rule());
        assertNull(p.dnsRedirect("github.com"));
    }

    @Test
    void connectRedirectsComeFromThePolicy() throws Exception {
        NetworkPolicy p = policy();
        ConnectRedirectTarget r = p.connectRedirect("api.anthropic.com", 443);
        assertEquals("to-vertex-proxy", r.rule());
        assertEquals("vertex.internal", r.host());
        assertEquals(8443, r.port());
        assertTrue(r.fallsBack());
        assertFalse(r.silent());
        assertNull(p.connectRedirect("api.anthropic.com", 80));
        ConnectRedirectTarget u = p.connectRedirect("db.test", 5432);
        assertTrue(u.unix());
        assertEquals("/run/db.sock", u.unixPath());
        assertFalse(u.fallsBack(), "fail_closed is the default");
    }

    @Test
    void approveCarriesTheRulesTimeoutAndNamesMatterOnlyWhereADomainRuleCanAllow() throws Exception {
        NetworkPolicy withApprovals = new EngineNetworkPolicy(Engine.compile(PolicyLoader.parse("net-test.yaml", YAML),
                EngineOptions.builder().approvalsEnabled(true).build()));
        NetDecision d = withApprovals.check("unknown.example", 443, List.of(InetAddress.ofLiteral("203.0.113.9")));
        assertEquals(java.time.Duration.ofSeconds(45), d.approvalTimeout());
        assertTrue(d.needsApproval());
        assertTrue(d.forDnsLookup().allowed(), "the lookup is not refused: the connection asks the approver");
        assertEquals("approve-unknown-https", d.forDnsLookup().rule());
        NetworkPolicy p = policy();
        assertTrue(p.nameCanAllow(443));
        assertTrue(p.nameCanAllow(80));
        assertFalse(p.nameCanAllow(22), "only allow-github names domains, on 443 and 80");
    }
    @Test
    void memoisedVerdictsStayPerQuestionAndPerPolicyGeneration() throws Exception {
        NetworkPolicy p = policy();
        InetAddress github = InetAddress.ofLiteral("140.82.112.6");
        InetAddress ten = InetAddress.ofLiteral("10.0.0.1");
        // the same name, asked again with another dialled address, a port, or no name: each decided on its own
        for (int i = 0; i < 3; i++) {
            assertTrue(p.check("api.github.com", 443, List.of(github)).allowed());
            assertEquals("block-private-networks", p.check(null, 443, List.of(ten)).rule());
            assertEquals("approve-unknown-https", p.check(null, 443, List.of(github)).rule());
            assertEquals("default-deny-network", p.check("api.github.com", 22, List.of(github)).rule());
            assertEquals("to-vertex-proxy", p.connectRedirect("api.anthropic.com", 443).rule());
            assertNull(p.connectRedirect("api.anthropic.com", 80));
            assertNull(p.dnsRedirect("github.com"));
        }
        // a reload compiles a new engine and a new adapter: its answers are its own, not the old cache's
        String denyGithub = YAML.replace("decision: allow\n", "decision: deny\n"); // allow-github's is the only allow
        assertFalse(denyGithub.equals(YAML));
        NetworkPolicy reloaded = new EngineNetworkPolicy(Engine.compile(PolicyLoader.parse("net-test.yaml", denyGithub),
                EngineOptions.defaults()));
        NetDecision after = reloaded.check("api.github.com", 443, List.of(github));
        assertFalse(after.allowed(), "the reloaded policy denies github");
        assertEquals("allow-github", after.rule());
        assertTrue(p.check("api.github.com", 443, List.of(github)).allowed(), "the old generation keeps its own answers");
    }
}
