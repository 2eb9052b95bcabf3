package io.agentsh.core.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FuseReadaheadTest {
    /** glibc's makedev: the low 8 minor bits, 12 major bits, then the high minor and major bits. */
    private static long makedev(long major, long minor) {
        return (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xffL) << 12) | ((major & ~0xfffL) << 32);
    }

    @Test void knobIsTheBdiOfTheMountsDeviceNumber() {
        assertEquals(Path.of("/sys/class/bdi/0:39/read_ahead_kb"), FuseReadahead.knobOf(makedev(0, 39)));
        assertEquals(Path.of("/sys/class/bdi/259:1/read_ahead_kb"), FuseReadahead.knobOf(makedev(259, 1)));
        assertEquals(Path.of("/sys/class/bdi/0:300/read_ahead_kb"), FuseReadahead.knobOf(makedev(0, 300)));
        assertEquals(Path.of("/sys/class/bdi/4100:1048577/read_ahead_kb"), FuseReadahead.knobOf(makedev(4100, 1048577)));
    }

    @Test void windowMatchesMaxReadahead() {
        assertEquals(1024, FuseReadahead.WINDOW_KIB);
    }
}
