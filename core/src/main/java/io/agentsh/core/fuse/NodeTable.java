package io.agentsh.core.fuse;

import java.util.HashMap;
import java.util.Map;

/**
 * The kernel's node ids and what they name: each node is a (parent, name) in the backing tree,
 * so a path is rebuilt from its parents and a rename moves a whole subtree by relinking one
 * node. Ids are never reused (the protocol's generation stays 0). A node lives while the kernel
 * holds lookups on it; unlinked or renamed-over nodes are detached (no name, ENOENT by path)
 * until the kernel forgets them: open files keep working through their handles.
 */
final class NodeTable {
    static final class Node {
        final long id;
        private Node parent;
        private String name;
        private long lookups;
        /** The backing inode number this node was looked up as: a name whose file was replaced outside the view gets a new node. */
        private long ino;
        /** Passthrough: the backing id every open of this node shares (the kernel refuses two per inode), and its users. */
        int backingId;
        int backingUsers;
        /** Open handles of this node, and a delete deferred to the last close (set while open). */
        int opens;
        DeferredDelete deferredDelete;

        Node(long id, Node parent, String name, long ino) {
            this.id = id;
            this.parent = parent;
            this.name = name;
            this.ino = ino;
        }
    }

    /**
     * A soft delete of a file that is still open: it waits as {@code standIn} in {@code dir} (a
     * name the view hides) until its last close, so the trash keeps what the holders wrote.
     */
    record DeferredDelete(Node dir, String standIn, String originalPath, io.agentsh.policy.Verdict verdict) {}

    private record Key(long parent, String name) {}

    private final Map<Long, Node> byId = new HashMap<>();
    private final Map<Key, Node> byName = new HashMap<>();
    private final Node root;
    private long nextId = FuseAbi.ROOT_ID + 1;

    NodeTable() {
        root = new Node(FuseAbi.ROOT_ID, null, null, 0);
        byId.put(root.id, root);
    }

    synchronized Node get(long id) {
        return byId.get(id);
    }

    /** The node for {@code parent/name} (a new one if absent or if the name now holds another inode), with one more lookup. */
    synchronized Node lookedUp(Node parent, String name, long ino) {
        Key k = new Key(parent.id, name);
        Node n = byName.get(k);
        if (n != null && n.ino != ino) {
            detach(n);
            n = null;
        }
        if (n == null) {
            n = new Node(nextId++, parent, name, ino);
            byId.put(n.id, n);
            byName.put(k, n);
        }
        n.lookups++;
        return n;
    }

    /** The node the kernel knows for {@code parent/name}, or null. */
    synchronized Node child(Node parent, String name) {
        return byName.get(new Key(parent.id, name));
    }

    synchronized void forget(long id, long count) {
        Node n = byId.get(id);
        if (n == null || n == root) return;
        n.lookups -= count;
        if (n.lookups <= 0) {
            byId.remove(id);
            if (n.name != null) byName.remove(new Key(n.parent.id, n.name), n);
        }
    }

    /** The name is gone (unlinked, or replaced by a rename). */
    synchronized void removed(Node parent, String name) {
        Node n = byName.get(new Key(parent.id, name));
        if (n != null) detach(n);
    }

    /** {@code from/fromName} is now {@code to/toName}; whatever had that name is gone. */
    synchronized void renamed(Node from, String fromName, Node to, String toName) {
        removed(to, toName);
        Node n = byName.remove(new Key(from.id, fromName));
        if (n == null) return;
        n.parent = to;
        n.name = toName;
        byName.put(new Key(to.id, toName), n);
    }

    /** RENAME_EXCHANGE: the two names swapped files. */
    synchronized void exchanged(Node a, String aName, Node b, String bName) {
        Node x = byName.remove(new Key(a.id, aName));
        Node y = byName.remove(new Key(b.id, bName));
        if (x != null) {
            x.parent = b;
            x.name = bName;
            byName.put(new Key(b.id, bName), x);
        }
        if (y != null) {
            y.parent = a;
            y.name = aName;
            byName.put(new Key(a.id, aName), y);
        }
    }

    private void detach(Node n) {
        byName.remove(new Key(n.parent.id, n.name), n);
        n.parent = null;
        n.name = null;
    }

    /** A child's path from its parent's ("." is the root). */
    static String join(String parentRel, String name) {
        return parentRel.equals(".") ? name : parentRel + "/" + name;
    }

    /** The path relative to the backing root ("." for the root), or null if the node or an ancestor has no name any more. */
    synchronized String path(Node n) {
        if (n == root) return ".";
        StringBuilder sb = new StringBuilder();
        for (Node x = n; x != root; x = x.parent) {
            if (x.name == null) return null;
            sb.insert(0, x.name);
            if (x.parent != root) sb.insert(0, '/');
        }
        return sb.toString();
    }
}
