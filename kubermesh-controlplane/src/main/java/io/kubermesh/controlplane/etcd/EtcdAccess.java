package io.kubermesh.controlplane.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;
import io.kubermesh.api.KubermeshException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's role-based access control as kubermesh uses it. etcd takes a client certificate's CN as
 * the user, so every certificate the cluster CA issues is a user:
 *
 * <ul>
 *   <li>{@code member:NAME} (an etcd member) has role {@code root}: membership, users, the CA key,
 *       maintenance;</li>
 *   <li>{@code node:MAC} (every enrolled machine) has role {@value #NODE_ROLE}: read and write the
 *       IPv4 allocations and machine records, ask for certificates, note machines waiting for
 *       approval, and read approvals; nothing else (not the CA key, not the membership lock, no
 *       member API).</li>
 * </ul>
 *
 * Taking trust back is removing the user: etcd checks the user on every request, so a removed
 * machine is refused at once, on connections it already holds too. The users' passwords are
 * random and thrown away: only certificates log in.
 */
public final class EtcdAccess {
    /** The role of every enrolled machine. */
    public static final String NODE_ROLE = "node";
    /** Where the CA certificate and key are shared among members (root only). */
    public static final String CA_PREFIX = "/kubermesh/pki/ca/";
    public static final String REQUESTS_PREFIX = "/kubermesh/pki/requests/";
    public static final String ISSUED_PREFIX = "/kubermesh/pki/issued/";
    public static final String ENROLMENT_PREFIX = "/kubermesh/enrolment/";
    /** The cluster's routing keys while and after they are rolled: members write, every machine reads. */
    public static final String ROUTING_KEYS_PREFIX = "/kubermesh/pki/routing/";
    private static final Logger LOG = LoggerFactory.getLogger(EtcdAccess.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the node role may do: prefix and permission. */
    static final List<Grant> NODE_GRANTS = List.of(
            new Grant(EtcdAllocationStore.DEFAULT_PREFIX, Permission.Type.READWRITE),
            new Grant(EtcdBootMachines.DEFAULT_PREFIX, Permission.Type.READWRITE),
            new Grant(EtcdMachineRecords.DEFAULT_PREFIX, Permission.Type.READWRITE),
            new Grant(REQUESTS_PREFIX, Permission.Type.READWRITE),
            new Grant(ISSUED_PREFIX, Permission.Type.READ),
            new Grant(ENROLMENT_PREFIX + "pending/", Permission.Type.READWRITE),
            new Grant(ENROLMENT_PREFIX + "approved/", Permission.Type.READ),
            new Grant(ENROLMENT_PREFIX + "denied/", Permission.Type.READ),
            new Grant(ROUTING_KEYS_PREFIX, Permission.Type.READ),
            // The lab's and the tests' probe key.
            new Grant("/kubermesh/probe/", Permission.Type.READWRITE));

    record Grant(String prefix, Permission.Type type) {
    }

    private final Client client;
    private final Duration timeout;

    /** @param client a client with a root user's certificate (a member's) */
    public EtcdAccess(Client client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    /**
     * Once, on a new cluster, before anything else is stored: the {@code root} and
     * {@value #NODE_ROLE} roles, the first member's user, and authentication on. Safe to repeat
     * after a crash half way: what exists is kept.
     */
    public void enable(String firstMemberUser) {
        tolerant(() -> call(client.getAuthClient().roleAdd(bytes("root")), "add role root"));
        tolerant(() -> call(client.getAuthClient().roleAdd(bytes(NODE_ROLE)), "add role " + NODE_ROLE));
        grantNodeRole();
        ensureUser("root", "root");
        ensureUser(firstMemberUser, "root");
        call(client.getAuthClient().authEnable(), "enable authentication");
        LOG.info("etcd: authentication on; {} is root, enrolled machines have role {}", firstMemberUser, NODE_ROLE);
    }

    /**
     * Grants the {@value #NODE_ROLE} role what it may do ({@link #NODE_GRANTS}); granting again
     * changes nothing, so a cluster made by an older version gains what was added since (the
     * leader does this once after it starts).
     */
    public void grantNodeRole() {
        for (Grant g : NODE_GRANTS) {
            call(client.getAuthClient().roleGrantPermission(bytes(NODE_ROLE), bytes(g.prefix()), bytes(rangeEnd(g.prefix())),
                    g.type()), "grant " + g.prefix() + " to " + NODE_ROLE);
        }
    }

    /** Makes {@code user} exist with {@code role} (root for a member, {@value #NODE_ROLE} for a machine). */
    public void ensureUser(String user, String role) {
        tolerant(() -> call(client.getAuthClient().userAdd(bytes(user), bytes(randomPassword())), "add user " + user));
        call(client.getAuthClient().userGrantRole(bytes(user), bytes(role)), "grant " + role + " to " + user);
    }

    /** Removes {@code user}: its certificate is refused from the next request on. True if it existed. */
    public boolean removeUser(String user) {
        try {
            call(client.getAuthClient().userDelete(bytes(user)), "remove user " + user);
            return true;
        } catch (KubermeshException e) {
            if (notFound(e)) {
                return false;
            }
            throw e;
        }
    }

    /** The users etcd knows. */
    public List<String> users() {
        return call(client.getAuthClient().userList(), "list users").getUsers();
    }

    private void tolerant(Runnable step) {
        try {
            step.run();
        } catch (KubermeshException e) {
            if (!e.getMessage().toLowerCase(Locale.ROOT).contains("already exists")) {
                throw e;
            }
        }
    }

    private static boolean notFound(KubermeshException e) {
        return e.getMessage().toLowerCase(Locale.ROOT).contains("not found");
    }

    /** The end of the key range of {@code prefix}: its last byte plus one. */
    static String rangeEnd(String prefix) {
        char last = prefix.charAt(prefix.length() - 1);
        return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
    }

    private static String randomPassword() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private <T> T call(java.util.concurrent.CompletableFuture<T> f, String what) {
        return EtcdClients.await(f, timeout, what);
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
