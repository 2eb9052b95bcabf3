package io.agentsh.policy.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentsh.policy.internal.match.CidrSet;
import io.agentsh.policy.internal.match.Glob;
import io.agentsh.policy.internal.match.IpAddr;
import io.agentsh.policy.internal.match.PathNorm;
import io.agentsh.policy.model.TransparentCommands;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** The fast matchers agree with slow, obviously-correct reference implementations. */
class MatcherPropertiesTest {

    // ---- globs vs a regex translation --------------------------------------------------------

    @Provide
    Arbitrary<String> globs() {
        Arbitrary<String> atom = Arbitraries.of("a", "b", "/", "*", "**", "?", "[ab]", "[!a]", "{a,b/}", "ab", "/a", "\\*");
        return atom.list().ofMinSize(0).ofMaxSize(7).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<String> inputs() {
        return Arbitraries.strings().withChars('a', 'b', 'c', '/', '*').ofMaxLength(10);
    }

    static Pattern reference(String glob, char sep) {
        StringBuilder re = new StringBuilder();
        String notSep = sep == 0 ? "." : "[^" + Pattern.quote(String.valueOf(sep)) + "]";
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') { re.append(".*"); i++; }
                    else re.append(notSep).append('*');
                }
                case '?' -> re.append(notSep);
                case '[' -> {
                    int close = glob.indexOf(']', i);
                    String body = glob.substring(i + 1, close);
                    re.append('[').append(body.startsWith("!") ? "^" + body.substring(1) : body).append(']');
                    i = close;
                }
                case '{' -> {
                    int close = glob.indexOf('}', i);
                    String[] alts = glob.substring(i + 1, close).split(",", -1);
                    re.append("(?:");
                    for (int k = 0; k < alts.length; k++) { if (k > 0) re.append('|'); re.append(Pattern.quote(alts[k])); }
                    re.append(')');
                    i = close;
                }
                case '\\' -> { re.append(Pattern.quote(String.valueOf(glob.charAt(i + 1)))); i++; }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    @Property(tries = 3000)
    void pathGlobMatchesLikeRegex(@ForAll("globs") String glob, @ForAll("inputs") String input) throws Exception {
        assertEquals(reference(glob, '/').matcher(input).matches(), Glob.compile(glob, '/').matches(input), glob + " vs " + input);
    }

    @Property(tries = 2000)
    void noSeparatorGlobMatchesLikeRegex(@ForAll("globs") String glob, @ForAll("inputs") String input) throws Exception {
        assertEquals(reference(glob, (char) 0).matcher(input).matches(), Glob.compile(glob, (char) 0).matches(input), glob + " vs " + input);
    }

    @Property(tries = 500)
    void longPatternsUseTheLargeNfa(@ForAll("inputs") String input) throws Exception {
        String glob = "?*".repeat(40) + "a";
        assertEquals(reference(glob, '/').matcher(input).matches(), Glob.compile(glob, '/').matches(input));
    }

    // ---- CIDRs vs BigInteger ---------------------------------------------------------------

    @Property(tries = 2000)
    void ipv4CidrContainment(@ForAll @LongRange(min = 0, max = 0xFFFFFFFFL) long net, @ForAll @IntRange(min = 0, max = 32) int len,
                             @ForAll @LongRange(min = 0, max = 0xFFFFFFFFL) long addr) {
        String cidr = dotted(net) + "/" + len;
        BigInteger mask = len == 0 ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE.shiftLeft(32 - len));
        boolean expected = BigInteger.valueOf(net).and(mask).equals(BigInteger.valueOf(addr).and(mask));
        assertEquals(expected, CidrSet.of(List.of(cidr)).contains(bytes4(addr)), cidr + " " + dotted(addr));
    }

    @Property(tries = 2000)
    void ipv6CidrContainment(@ForAll("v6") byte[] net, @ForAll @IntRange(min = 0, max = 128) int len, @ForAll("v6") byte[] addr,
                             @ForAll boolean near) throws Exception {
        if (near) { // make matches likely: copy the network prefix into the address
            for (int i = 0; i < len / 8; i++) addr[i] = net[i];
        }
        if (IpAddr.parse(IpAddr.format(net)).length == 4 || IpAddr.parse(IpAddr.format(addr)).length == 4) return; // mapped: folded
        String cidr = IpAddr.format(net) + "/" + len;
        BigInteger mask = len == 0 ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE.shiftLeft(128 - len));
        boolean expected = new BigInteger(1, net).and(mask).equals(new BigInteger(1, addr).and(mask));
        assertEquals(expected, CidrSet.of(List.of(cidr)).contains(addr), cidr + " " + IpAddr.format(addr));
    }

    @Provide
    Arbitrary<byte[]> v6() {
        return Arbitraries.bytes().array(byte[].class).ofSize(16);
    }

    // ---- IP literal spellings --------------------------------------------------------------

    @Property(tries = 2000)
    void everyIpv4SpellingIsTheSameAddress(@ForAll @LongRange(min = 0, max = 0xFFFFFFFFL) long v) {
        byte[] b = bytes4(v);
        int[] o = {b[0] & 0xff, b[1] & 0xff, b[2] & 0xff, b[3] & 0xff};
        List<String> forms = new ArrayList<>(List.of(
                dotted(v), Long.toString(v), "0x" + Long.toHexString(v), "0X" + Long.toHexString(v).toUpperCase(),
                "0" + Long.toOctalString(v),
                "0" + Integer.toOctalString(o[0]) + ".0" + Integer.toOctalString(o[1]) + ".0" + Integer.toOctalString(o[2]) + ".0" + Integer.toOctalString(o[3]),
                "0x" + Integer.toHexString(o[0]) + ".0x" + Integer.toHexString(o[1]) + ".0x" + Integer.toHexString(o[2]) + ".0x" + Integer.toHexString(o[3]),
                o[0] + "." + (v & 0xFFFFFF), o[0] + "." + o[1] + "." + (v & 0xFFFF),
                "::ffff:" + dotted(v), "[::ffff:" + dotted(v) + "]"));
        for (String f : forms) assertArrayEquals(b, IpAddr.parse(f), f);
    }

    @Property(tries = 500)
    void namesAreNotAddresses(@ForAll("names") String name) {
        assertEquals(null, IpAddr.parse(name), name);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withCharRange('a', 'z').withChars('.', '-').ofMinLength(1).ofMaxLength(20)
                .filter(s -> s.chars().anyMatch(c -> c >= 'g' && c <= 'z' && c != 'x'));
    }

    // ---- wrappers ---------------------------------------------------------------------------

    @Provide
    Arbitrary<List<String>> wrapperChains() {
        Arbitrary<List<String>> one = Arbitraries.of(
                List.of("env"), List.of("env", "-i"), List.of("env", "-u", "HOME"), List.of("env", "FOO=1", "BAR=2"),
                List.of("nice"), List.of("nice", "-n", "5"), List.of("nice", "-5"), List.of("nice", "--adjustment=3"),
                List.of("nohup"), List.of("timeout", "5"), List.of("timeout", "-s", "KILL", "10"),
                List.of("timeout", "--kill-after=1", "5"), List.of("time"), List.of("time", "-p"), List.of("stdbuf", "-oL"),
                List.of("stdbuf", "-o", "0"), List.of("ionice", "-c", "3"), List.of("setsid"), List.of("setsid", "-f"),
                List.of("strace", "-f", "-e", "trace=all"), List.of("ltrace", "-o", "/tmp/x"), List.of("/usr/bin/env"),
                List.of("doas", "-u", "root"), List.of("busybox"), List.of("/lib64/ld-linux-x86-64.so.2", "--library-path", "/lib"));
        return one.list().ofMinSize(1).ofMaxSize(3).map(l -> {
            List<String> out = new ArrayList<>();
            l.forEach(out::addAll);
            return out;
        });
    }

    @Property(tries = 1000)
    void unwrappingFindsSudo(@ForAll("wrapperChains") List<String> chain, @ForAll boolean withSudoOpts) {
        Wrappers w = new Wrappers(TransparentCommands.NONE);
        List<String> argv = new ArrayList<>(chain);
        argv.add("sudo");
        if (withSudoOpts) argv.addAll(List.of("-u", "root"));
        argv.addAll(List.of("id", "-u"));
        List<String> cur = argv;
        boolean found = false;
        for (int i = 0; i < 10 && cur != null; i++) {
            if (cur.get(0).equals("sudo")) { found = true; break; }
            cur = w.unwrap(cur);
        }
        assertEquals(true, found, String.join(" ", argv));
    }

    // ---- path normalisation ------------------------------------------------------------------

    @Property(tries = 1000)
    void normalisedPathsAreFixedPoints(@ForAll("paths") String p) {
        String n = PathNorm.normalise(p);
        assertEquals(n, PathNorm.normalise(n));
        assertEquals(java.nio.file.Path.of(p).normalize().toString().replaceAll("^(/\\.\\.)+(?=/|$)", "").replaceAll("^$", "/"), n, p);
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.of("a", "b", ".", "..", "", "cc").list().ofMinSize(1).ofMaxSize(6).map(l -> "/" + String.join("/", l));
    }

    static String dotted(long v) { return (v >>> 24 & 255) + "." + (v >>> 16 & 255) + "." + (v >>> 8 & 255) + "." + (v & 255); }
    static byte[] bytes4(long v) { return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v}; }
}
