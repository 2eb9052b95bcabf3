package io.agentsh.proxy.dlp;

import java.util.Arrays;

/** Raw matches of all detectors over one text, as parallel int arrays (no per-match objects). */
final class MatchList {
    int[] starts = new int[16];
    int[] ends = new int[16];
    int[] detectors = new int[16];
    int size;

    void add(int start, int end, int detector) {
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            ends = Arrays.copyOf(ends, size * 2);
            detectors = Arrays.copyOf(detectors, size * 2);
        }
        starts[size] = start;
        ends[size] = end;
        detectors[size] = detector;
        size++;
    }
}
