#!/usr/bin/env python3
"""The testbed's documented policy edit: allow the allowed stand-ins, add one connect redirect.

Inserts two network rules as the FIRST network rules, so the allowed stand-in is reachable
whatever the policy's later default-deny says: `testbed-allow-standin` (domain allowed.test and
CIDR 127.0.0.2/32, ports 80 and 443, decision allow) and `testbed-allow-routed-standin` (CIDR
198.18.0.2/32 only, ports 80 and 443). The second has no domain because every selector of a
rule must match, and a raw socket seen by the transparent proxy carries only the address (the
name came from /etc/hosts, not from the DNS proxy). `testbed-allow-named-standin` allows
allowed-named.test and redirect.test by DOMAIN only (ports 80, 443): reaching them from a raw
socket needs the transparent proxy to recover the name (Host / SNI) and check that it resolves to
the address dialled. A `connect_redirects` entry `testbed-redirect` sends redirect.test:80 to the
routed stand-in (198.18.0.2:80). Nothing else changes: the text is edited, not re-serialised, so
comments, order and every other rule stay byte-identical.
Usage: policy-edit.py IN OUT
"""
import re, sys

RULE = """  # --- added by the agentsh testbed (packaging/testbed/lib/policy-edit.py) ---
  - name: testbed-allow-standin
    description: The testbed's allowed stand-in server (allowed.test = 127.0.0.2)
    domains:
      - "allowed.test"
    cidrs:
      - "127.0.0.2/32"
    ports: [80, 443]
    decision: allow
  - name: testbed-allow-named-standin
    description: Names only in /etc/hosts, allowed by domain (allowed-named.test = 198.18.0.3)
    domains:
      - "allowed-named.test"
      - "redirect.test"
    ports: [80, 443]
    decision: allow
  - name: testbed-allow-routed-standin
    description: The same stand-in on a routed address (allowed-routed.test = 198.18.0.2)
    cidrs:
      - "198.18.0.2/32"
    ports: [80, 443]
    decision: allow
"""

src, dst = sys.argv[1], sys.argv[2]
text = open(src).read()
m = re.search(r'^network_rules:[ \t]*\n', text, re.M)
if m:
    text = text[:m.end()] + RULE + text[m.end():]
else:
    text = text.rstrip('\n') + '\n\nnetwork_rules:\n' + RULE
REDIRECT = """  # --- added by the agentsh testbed (packaging/testbed/lib/policy-edit.py) ---
  - name: testbed-redirect
    match: "^redirect\\\\.test:80$"
    redirect_to: "198.18.0.2:80"
    visibility: warn
    message: "testbed: redirect.test goes to the routed stand-in"
"""
m = re.search(r'^connect_redirects:[ \t]*\n', text, re.M)
if m:
    text = text[:m.end()] + REDIRECT + text[m.end():]
else:
    text = text.rstrip('\n') + '\n\nconnect_redirects:\n' + REDIRECT
open(dst, 'w').write(text)
