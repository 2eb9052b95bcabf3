package io.agentsh.core.layers;

import io.agentsh.core.audit.AuditLog;
import io.agentsh.core.audit.Event;
import io.agentsh.core.audit.PolicyInfo;
import io.agentsh.core.kernel.supervisor.KernelRedirect;
import io.agentsh.core.kernel.supervisor.EnforcementEvents;
import io.agentsh.core.kernel.supervisor.FileAccess;
import io.agentsh.core.kernel.supervisor.KernelVerdict;
import io.agentsh.core.kernel.supervisor.UnixAccess;
import java.util.List;

/**
 * The kernel supervisor's decisions as audit events of one command (or of one shim-started
 * shell, commandId then names the shell). AuditLog.emit only queues, so the supervisor thread
 * never waits on the store.
 */
final class AuditEnforcementEvents implements EnforcementEvents {
    private final AuditLog audit;
    private final String commandId;

    AuditEnforcementEvents(AuditLog audit, String commandId) {
        this.audit = audit;
        this.commandId = commandId;
    }

    @Override
    public void file(String sessionId, int pid, String syscall, FileAccess op, String path, String path2,
                     KernelVerdict v) {
        Event.Builder b = base(fileEventType(op), sessionId, pid, v).path(path).operation(op.wireName())
                .field("syscall", syscall);
        if (path2 != null) b.field("path2", path2);
        if (v.softDelete()) b.field("soft_delete", Boolean.TRUE);
        audit.emit(b.build());
    }

    @Override
    public void exec(String sessionId, int pid, String filename, List<String> argv, int depth, KernelVerdict v) {
        audit.emit(base(v.allowed() ? "exec" : "command_blocked", sessionId, pid, v).filename(filename)
                .argv(argv).depth(depth).build());
    }

    @Override
    public void signal(String sessionId, int pid, String syscall, int signal, int targetPid, KernelVerdict v) {
        audit.emit(base("signal", sessionId, pid, v).field("syscall", syscall).field("signal", signal)
                .field("target_pid", targetPid).build());
    }

    @Override
    public void unixSocket(String sessionId, int pid, String syscall, UnixAccess op, String path, KernelVerdict v) {
        audit.emit(base("unix_socket_" + op.name().toLowerCase(java.util.Locale.ROOT), sessionId, pid, v)
                .path(path).field("syscall", syscall).build());
    }

    @Override
    public void connectRedirect(String sessionId, int pid, String original, KernelRedirect r, String error,
                                boolean fellBack) {
        if (error == null && r.silent()) return;
        Event.Builder b = Event.builder(error == null ? "connect_redirect" : "connect_redirect_fallback", sessionId)
                .commandId(commandId).source("seccomp").pid(pid).remote(original)
                .field("rule", r.rule()).field("message", r.message() == null ? "" : r.message())
                .field("redirect_to", r.unixPath() == null ? r.target() : "")
                .field("redirect_to_unix", r.unixPath() == null ? "" : r.unixPath());
        if (error != null) b.field("error", error).field("fell_back", fellBack).field("blocked", !fellBack);
        audit.emit(b.build());
    }

    @Override
    public void failure(String sessionId, int pid, String syscall, String reason) {
        audit.emit(Event.builder("enforcement_failure", sessionId).commandId(commandId).source("seccomp").pid(pid)
                .field("syscall", syscall).field("error", reason).field("blocked", Boolean.TRUE).build());
    }

    private Event.Builder base(String type, String sessionId, int pid, KernelVerdict v) {
        String decision = v.softDelete() ? "soft_delete" : v.absorb() ? "absorb" : v.allowed() ? "allow" : "deny";
        String effective = v.allowed() ? "allow" : "deny";
        return Event.builder(type, sessionId).commandId(commandId).source("seccomp").pid(pid)
                .policy(new PolicyInfo(decision, effective, v.rule(), v.message())).effectiveAction(effective);
    }

    /** Event names as the reference's file monitor uses them (file_*, dir_*), so /exec buckets them. */
    static String fileEventType(FileAccess op) {
        return switch (op) {
            case READ, OPEN -> "file_open";
            case STAT, ACCESS, READLINK -> "file_stat";
            case LIST -> "dir_list";
            case WRITE -> "file_write";
            case CREATE -> "file_create";
            case DELETE -> "file_delete";
            case RMDIR -> "dir_delete";
            case MKDIR -> "dir_create";
            case RENAME -> "file_rename";
            case LINK -> "file_link";
            case SYMLINK -> "symlink_create";
            case CHMOD -> "file_chmod";
            case CHOWN -> "file_chown";
            case MKNOD -> "file_mknod";
        };
    }
}
