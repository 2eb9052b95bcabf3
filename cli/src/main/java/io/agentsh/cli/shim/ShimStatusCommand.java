package io.agentsh.cli.shim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", description = "Show whether the shim is installed over /bin/sh and /bin/bash.")
final class ShimStatusCommand extends ShimOptions implements Callable<Integer> {

    @Option(names = "--shim", description = "Compare the installed shells against this shim binary.")
    String shim;

    @Override
    public Integer call() {
        return run(() -> {
            RootPaths r = rootPaths();
            byte[] bytes = shim == null ? null : Files.readAllBytes(Path.of(shim));
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("root", r.root().toString());
            if (shim != null) {
                doc.put("shim_path", shim);
            }
            StringBuilder text = new StringBuilder("root=").append(r.root()).append('\n');
            if (shim != null) {
                text.append("shim=").append(shim).append('\n');
            }
            for (ShellTarget s : shells(r)) {
                ShellStatus st = ShellStatus.probe(s, bytes);
                doc.put(s.name(), st.toJson());
                text.append(st.line()).append('\n');
            }
            out().print(output.equals("json") ? json(doc) + "\n" : text);
            out().flush();
            return 0;
        });
    }
}
