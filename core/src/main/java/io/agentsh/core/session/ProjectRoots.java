package io.agentsh.core.session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Project-root detection (policy-config.md §1.4): walk up from the workspace; the first language
 * marker sets PROJECT_ROOT, a `.git` directory sets GIT_ROOT (and PROJECT_ROOT if no language
 * marker was seen yet) and stops the walk. Defaults: PROJECT_ROOT = workspace, GIT_ROOT = PROJECT_ROOT.
 */
public record ProjectRoots(Path projectRoot, Path gitRoot) {

    public static ProjectRoots detect(Path workspaceReal, List<String> markers) {
        Path project = null;
        Path git = null;
        for (Path dir = workspaceReal; dir != null; dir = dir.getParent()) {
            if (project == null) {
                for (String m : markers) {
                    if (!m.equals(".git") && Files.exists(dir.resolve(m))) {
                        project = dir;
                        break;
                    }
                }
            }
            if (markers.contains(".git") && Files.exists(dir.resolve(".git"))) {
                git = dir;
                if (project == null) project = dir;
                break;
            }
        }
        if (project == null) project = workspaceReal;
        return new ProjectRoots(project, git != null ? git : project);
    }
}
