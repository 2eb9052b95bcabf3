package io.agentsh.core.kernel.masks;

import io.agentsh.core.ns.SessionMountNamespace.Mask;
import java.util.List;

/**
 * What the kernel can decide about a session's reads (CONTRACT §2: "what the kernel can decide
 * must not cost a round trip to Java"), compiled by {@link ReadPlanCompiler} from the session's
 * engine. When {@link #complete()}, every read the engine denies is refused by the kernel — by a
 * mask in the session's mount namespace or by Landlock's read allow-list, which must then be
 * exactly {@link #landlockRead()} — so read-only opens need not be trapped. Otherwise
 * {@link #reason()} says why, and reads stay trapped and decided by the supervisor.
 *
 * @param masks        paths to cover in the session's mount namespace, parents before children
 * @param landlockRead the roots the Landlock ruleset's read rules must be (no more, no less)
 * @param stricter     where the kernel refuses something the engine would allow (documented
 *                     narrowing: a mask root that lists as empty, a skeleton directory)
 * @param watchedDirs  directories a wildcard protected path names entries of ({@code /etc/sudoers*}):
 *                     entries that appear there later are masked before the next command
 */
public record ReadPlan(boolean complete, String reason, List<MaskedPath> masks, List<String> landlockRead,
                       List<String> stricter, List<String> watchedDirs) {
    public ReadPlan {
        masks = List.copyOf(masks);
        landlockRead = List.copyOf(landlockRead);
        stricter = List.copyOf(stricter);
        watchedDirs = List.copyOf(watchedDirs);
    }

    /**
     * One path to cover. What covers it is decided when it is applied, from what is there then:
     * a file gets {@link Mask#FILE_NO_ACCESS}; a directory {@link Mask#DIR_SKELETON} when
     * {@code skeleton} (only {@code keep}, the session's workspace, stays reachable beneath it),
     * else {@link Mask#DIR_LIST_ONLY} when {@code listable} (the engine allows listing it), else
     * {@link Mask#DIR_NO_ACCESS}. A path that is not there yet is covered when it appears
     * ({@code ReadMasks.refresh} before each command).
     */
    public record MaskedPath(String path, boolean listable, boolean skeleton, List<String> keep) {
        public MaskedPath {
            keep = List.copyOf(keep);
        }

        public Mask kindFor(boolean directory) {
            if (!directory) return Mask.FILE_NO_ACCESS;
            if (skeleton) return Mask.DIR_SKELETON;
            return listable ? Mask.DIR_LIST_ONLY : Mask.DIR_NO_ACCESS;
        }
    }

    public static ReadPlan incomplete(String reason) {
        return new ReadPlan(false, reason, List.of(), List.of(), List.of(), List.of());
    }
}
