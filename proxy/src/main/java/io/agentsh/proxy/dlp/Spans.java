package io.agentsh.proxy.dlp;

/**
 * The secrets found in a text after overlapping matches were merged: sorted, disjoint
 * {@code [start, end)} ranges, each labelled with the detector index of its longest member.
 */
final class Spans {
    static final Spans NONE = new Spans(new int[0], new int[0], new int[0], 0);

    final int[] starts;
    final int[] ends;
    final int[] detectors;
    final int size;

    Spans(int[] starts, int[] ends, int[] detectors, int size) {
        this.starts = starts;
        this.ends = ends;
        this.detectors = detectors;
        this.size = size;
    }
}
