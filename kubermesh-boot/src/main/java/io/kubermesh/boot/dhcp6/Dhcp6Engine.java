package io.kubermesh.boot.dhcp6;

import io.kubermesh.api.BootSpec;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.boot.internal.LogText;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHCPv6 server state machine (RFC 8415 section 18.3): one instance for all ports of a node,
 * with an injected clock and lease store. It decides, the transport only moves bytes.
 *
 * <p>Each port hands out the three addresses of its pool ({@link PortPrefix#pool()}), one per
 * {@link ClientIdentity} and IA_NA. A machine keeps one address through its boot stages (firmware,
 * iPXE, the OS each present a new DUID; the next stage takes the address of the last). Two IAs
 * under one DUID are two live consumers in one piece of software (UEFI's Ip6Config and HTTP boot
 * each run DHCPv6 with an IAID of their own): they get two addresses, because each releases its
 * own, and a Release of an address two IAs shared removed it from under the other. A client that
 * has taken every free address takes over its own oldest lease rather than another machine's.
 * When a port's cable loses carrier ({@link #cableGone}) the addresses leased there may go to the
 * next machine: the machine behind a mesh port's cable is gone with it, and its replacement needs
 * an address.
 * A Solicit reserves an address for a minute in memory; a Request, a
 * Solicit with Rapid Commit, a Renew or a Rebind commits it to the store <em>before</em> the
 * reply leaves. A stored lease runs to {@code now + 2 * validLifetime} and is rewritten only once
 * less than one valid lifetime remains, so the stored expiry is always at or after what any client
 * was told (a restarted server never hands a live address to a second client, where a lost cable
 * has not taken the first away) while a busy client
 * costs one write per valid lifetime, not one per exchange.
 */
public final class Dhcp6Engine {
    private static final Logger LOG = LoggerFactory.getLogger(Dhcp6Engine.class);
    private static final Duration OFFER_HOLD = Duration.ofSeconds(60);
    private static final int PREFERENCE_MAX = 255;

    /** A message as it arrived: on which port, from which source address, to which destination. */
    public record Received(int port, Ipv6Address source, Ipv6Address destination, Dhcp6Message message) {
        /** Sent to All_DHCP_Relay_Agents_and_Servers, as every client of this server must send. */
        public Received(int port, Ipv6Address source, Dhcp6Message message) {
            this(port, source, ALL_SERVERS, message);
        }
    }

    /** All_DHCP_Relay_Agents_and_Servers (RFC 8415 section 7.1). */
    static final Ipv6Address ALL_SERVERS = Ipv6Address.parse("ff02::1:2");

    private record Offer(Ipv6Address address, Instant until) {
    }

    private final BootSpec boot;
    private final Map<Integer, PortPrefix> ports;
    private final Duid serverId;
    private final LeaseStore store;
    private final Clock clock;
    private final Map<Ipv6Address, Lease> leases = new HashMap<>();
    private final Map<String, Offer> offers = new HashMap<>();
    /** What the store holds: the bindings as of the last write that succeeded. */
    private List<Lease> durable;

    /**
     * @param boot lifetimes and boot file names
     * @param ports the ports served, by index
     * @param serverId this server's DUID (stable across restarts: DUID-LL of the node identity)
     * @param store where bindings live; loaded now
     * @param clock the time source
     */
    public Dhcp6Engine(BootSpec boot, List<PortPrefix> ports, Duid serverId, LeaseStore store, Clock clock) {
        this.boot = boot;
        this.ports = ports.stream().collect(Collectors.toUnmodifiableMap(PortPrefix::index, p -> p));
        this.serverId = serverId;
        this.store = store;
        this.clock = clock;
        durable = List.copyOf(store.load());
        reload();
    }

    public Duid serverId() {
        return serverId;
    }

    /** A copy of the current bindings. */
    public synchronized List<Lease> leases() {
        return List.copyOf(leases.values());
    }

    /**
     * The cable of {@code port} lost carrier (or went away): a mesh port is a cable to one machine,
     * so the machines that hold leases there are no longer on its link. Their leases stay theirs
     * (a machine that comes back, a cable that flapped, gets its own address again, and its next
     * exchange makes the lease whole) and keep their expiry (the machines that netbooted through
     * the port within a lease's lifetime are still listed), but their addresses may now go to the
     * next machine plugged in when the pool has no free one: a dead machine replaced three times
     * within a lease's lifetime no longer leaves its replacement without an address. Written to the
     * store before it returns; if the store fails, nothing changes. Declined addresses stay withdrawn.
     *
     * @return the leases whose clients are now gone
     */
    public synchronized List<Lease> cableGone(int port) {
        Instant now = clock.instant();
        offers.keySet().removeIf(k -> k.startsWith(port + "/"));
        List<Lease> gone = leases.values().stream()
                .filter(l -> l.port() == port && !l.client().equals(Lease.DECLINED) && !l.reusableAt(now))
                .sorted(Comparator.comparing(Lease::address, Comparator.comparing(Ipv6Address::toString))).toList();
        if (gone.isEmpty()) {
            return List.of();
        }
        for (Lease l : gone) {
            leases.put(l.address(), l.goneAt(now));
        }
        try {
            persist();
        } catch (UncheckedIOException | KubermeshException e) {
            reload();
            LOG.error("dhcp6 port {}: the cable is gone, but the lease store failed, so its {} leases stay until they"
                    + " expire: {}", port, gone.size(), LogText.escape(String.valueOf(e.getMessage())));
            return List.of();
        }
        LOG.info("dhcp6 port {}: the cable is gone; the addresses of {} may go to the next machine plugged in", port,
                gone.stream().map(l -> l.client() + " " + l.address()).toList());
        return gone.stream().map(l -> l.goneAt(now)).toList();
    }

    /** Answers one message; empty if RFC 8415 says to drop it. Logs the exchange either way. */
    public synchronized Optional<Dhcp6Message> handle(Received in) {
        PortPrefix port = ports.get(in.port());
        Dhcp6Message m = in.message();
        Optional<Duid> duid = m.clientId();
        String asked = LogText.escape(ExchangeText.asked(m));
        if (!in.destination().equals(ALL_SERVERS) || !in.source().isLinkLocal()) {
            // RFC 8415 sections 16 and 18.4: this server never sends the Server Unicast option, so
            // every unicast message is discarded; and only clients on the port's own link (a
            // link-local source) are served, never one routed from elsewhere in the mesh.
            LOG.info("dhcp6 port {} from {} to {}: {} -> dropped ({})", in.port(), in.source(), in.destination(), asked,
                    in.destination().equals(ALL_SERVERS) ? "not from this link" : "unicast, RFC 8415 section 16");
            return Optional.empty();
        }
        boolean anonymous = duid.isEmpty() && m.type().equals(MessageType.INFORMATION_REQUEST);
        if (anonymous && port != null && serverIdAcceptable(m)) {
            // RFC 8415 section 18.2.6: an Information-request may come without a client id
            Dhcp6Message reply = new Dhcp6Message(MessageType.REPLY, m.transactionId(), boot(m, port,
                    new ArrayList<>(List.of(new Dhcp6Option.ServerId(serverId)))));
            LOG.info("dhcp6 port {} client (no client id) from {}: {} -> {}", port.index(), in.source(), asked,
                    LogText.escape(ExchangeText.got(reply)));
            return Optional.of(reply);
        }
        if (port == null || duid.isEmpty() || !serverIdAcceptable(m)) {
            String why = port == null ? "port " + in.port() + " is not served" : duid.isEmpty() ? "no client id"
                    : "server id absent, present or not ours against RFC 8415 section 16";
            LOG.info("dhcp6 port {} from {}: {} -> dropped ({})", in.port(), in.source(), asked, why);
            return Optional.empty();
        }
        ClientIdentity client = ClientIdentity.of(port.index(), duid.get(), in.source());
        Instant now = clock.instant();
        Optional<Dhcp6Message> reply;
        try {
            reply = answer(m, port, client, now);
        } catch (UncheckedIOException | KubermeshException e) {
            // The lease store could not write: nothing was promised that is not on disk. Undo what
            // this message changed in memory and send nothing; the client retries.
            reload();
            LOG.error("dhcp6 port {} client {} from {}: {} -> no reply, the lease store failed: {}", port.index(),
                    client.key(), in.source(), asked, LogText.escape(String.valueOf(e.getMessage())));
            return Optional.empty();
        }
        LOG.info("dhcp6 port {} client {} duid {} from {}: {} -> {}", port.index(), client.key(),
                ClientIdentity.duidHex(client.duid()), in.source(), asked,
                LogText.escape(reply.map(ExchangeText::got).orElse("no reply")));
        return reply;
    }

    private boolean serverIdAcceptable(Dhcp6Message m) {
        Optional<Duid> sid = m.serverId();
        int type = m.type().code();
        if (type == MessageType.REQUEST.code() || type == MessageType.RENEW.code()
                || type == MessageType.RELEASE.code() || type == MessageType.DECLINE.code()) {
            return sid.isPresent() && sid.get().equals(serverId);
        }
        if (type == MessageType.SOLICIT.code() || type == MessageType.REBIND.code()
                || type == MessageType.CONFIRM.code()) {
            return sid.isEmpty();
        }
        if (type == MessageType.INFORMATION_REQUEST.code()) {
            return sid.isEmpty() || sid.get().equals(serverId);
        }
        return false;
    }

    private Optional<Dhcp6Message> answer(Dhcp6Message m, PortPrefix port, ClientIdentity client, Instant now) {
        int type = m.type().code();
        List<Dhcp6Option> out = new ArrayList<>();
        out.add(new Dhcp6Option.ServerId(serverId));
        out.add(new Dhcp6Option.ClientId(client.duid()));
        MessageType replyType = MessageType.REPLY;
        if (type == MessageType.SOLICIT.code()) {
            boolean rapid = m.option(Dhcp6Option.RapidCommit.class).isPresent();
            out.addAll(assign(m, port, client, now, rapid, StatusCode.NO_ADDRS_AVAIL));
            if (rapid) {
                out.add(new Dhcp6Option.RapidCommit());
            } else {
                replyType = MessageType.ADVERTISE;
                out.add(new Dhcp6Option.Preference(PREFERENCE_MAX));
            }
        } else if (type == MessageType.REQUEST.code() || type == MessageType.REBIND.code()) {
            out.addAll(assign(m, port, client, now, true, StatusCode.NO_ADDRS_AVAIL));
        } else if (type == MessageType.RENEW.code()) {
            out.addAll(assign(m, port, client, now, true, StatusCode.NO_BINDING));
        } else if (type == MessageType.RELEASE.code() || type == MessageType.DECLINE.code()) {
            boolean decline = type == MessageType.DECLINE.code();
            int done = release(m, port, client, now, decline);
            out.add(new Dhcp6Option.Status(StatusCode.SUCCESS, (decline ? "declined " : "released ") + done));
            return Optional.of(new Dhcp6Message(replyType, m.transactionId(), out));
        } else if (type == MessageType.CONFIRM.code()) {
            List<Ipv6Address> claimed = m.all(Dhcp6Option.IaNa.class).stream()
                    .flatMap(ia -> ia.addresses().stream()).map(Dhcp6Option.IaAddress::address).toList();
            if (claimed.isEmpty()) {
                return Optional.empty();
            }
            boolean onLink = claimed.stream().allMatch(port.prefix()::contains);
            out.add(onLink ? new Dhcp6Option.Status(StatusCode.SUCCESS, "on link " + port.prefix())
                    : new Dhcp6Option.Status(StatusCode.NOT_ON_LINK, "this link is " + port.prefix()));
            return Optional.of(new Dhcp6Message(replyType, m.transactionId(), out));
        } else if (type != MessageType.INFORMATION_REQUEST.code()) {
            return Optional.empty();
        }
        return Optional.of(new Dhcp6Message(replyType, m.transactionId(), boot(m, port, out)));
    }

    /** Adds the boot file URL (and the HTTPClient vendor class) when the client asks for 59 or names its architecture. */
    private List<Dhcp6Option> boot(Dhcp6Message m, PortPrefix port, List<Dhcp6Option> out) {
        if (m.requests(OptionCode.BOOTFILE_URL) || m.option(Dhcp6Option.ClientArch.class).isPresent()) {
            BootFile file = BootFile.choose(boot, port.thisEnd(), m);
            out.add(new Dhcp6Option.BootfileUrl(file.url()));
            if (file.httpClient()) {
                out.add(BootFile.httpClientVendorClass());
            }
        }
        return out;
    }

    /** One IA_NA answer per IA_NA asked: the first gets the client's address, others none. */
    private List<Dhcp6Option> assign(Dhcp6Message m, PortPrefix port, ClientIdentity client, Instant now,
                                     boolean commit, int failure) {
        List<Dhcp6Option.IaNa> asked = m.all(Dhcp6Option.IaNa.class);
        List<Dhcp6Option> out = new ArrayList<>();
        boolean first = true;
        for (Dhcp6Option.IaNa ia : asked) {
            Optional<Ipv6Address> address = first ? allocate(port, client, ia.iaid(), now) : Optional.empty();
            first = false;
            if (address.isEmpty()) {
                String why = failure == StatusCode.NO_BINDING ? "no binding for " + client.key()
                        : "port " + port.index() + " pool " + port.pool() + " is taken";
                out.add(new Dhcp6Option.IaNa(ia.iaid(), 0, 0, List.of(new Dhcp6Option.Status(failure, why))));
                continue;
            }
            Ipv6Address a = address.get();
            if (commit) {
                commit(port, client, ia.iaid(), a, now);
            } else {
                offers.put(offerKey(port, client, ia.iaid()), new Offer(a, now.plus(OFFER_HOLD)));
            }
            long preferred = boot.preferredLifetime().getSeconds();
            long valid = boot.validLifetime().getSeconds();
            List<Dhcp6Option> inner = new ArrayList<>();
            inner.add(new Dhcp6Option.IaAddress(a, preferred, valid, List.of()));
            for (Dhcp6Option.IaAddress stale : ia.addresses()) {
                if (!stale.address().equals(a)) {
                    inner.add(new Dhcp6Option.IaAddress(stale.address(), 0, 0, List.of()));
                }
            }
            out.add(new Dhcp6Option.IaNa(ia.iaid(), preferred / 2, preferred * 4 / 5, inner));
        }
        return out;
    }

    private Optional<Ipv6Address> allocate(PortPrefix port, ClientIdentity client, long iaid, Instant now) {
        String key = client.key();
        String duid = ClientIdentity.duidHex(client.duid());
        offers.values().removeIf(o -> o.until().isBefore(now));
        Offer offered = offers.get(offerKey(port, client, iaid));
        List<Lease> own = port.pool().stream().map(leases::get)
                .filter(l -> l != null && l.port() == port.index() && l.client().equals(key)).toList();
        // This IA's own lease.
        Optional<Lease> exact = own.stream().filter(l -> l.holdsIa(iaid)).findFirst();
        if (exact.isPresent()) {
            return Optional.of(exact.get().address());
        }
        // The last boot stage's (another DUID): the machine keeps its address.
        Optional<Lease> stage = own.stream().filter(l -> !l.duid().equals(duid) && free(l.address(), now, offered, true))
                .max(Comparator.comparing(Lease::expires));
        if (stage.isPresent()) {
            return Optional.of(stage.get().address());
        }
        if (offered != null && free(offered.address(), now, offered, false)) {
            return Optional.of(offered.address());
        }
        for (Ipv6Address a : port.pool()) {
            if (!leases.containsKey(a) && free(a, now, offered, false)) {
                return Optional.of(a);
            }
        }
        // Expired, or gone with the cable: but not another IA's of this client still within its
        // lifetime (the cable flapped with the client behind it; its IAs keep one address each).
        Optional<Ipv6Address> expired = port.pool().stream()
                .filter(a -> leases.containsKey(a) && leases.get(a).reusableAt(now) && free(a, now, offered, false))
                .filter(a -> leases.get(a).expiredAt(now) || !leases.get(a).client().equals(key))
                .min(Comparator.comparing(a -> leases.get(a).expires()));
        if (expired.isPresent()) {
            return expired;
        }
        // Every address is live: this client's own oldest lease, never another machine's.
        return own.stream().filter(l -> free(l.address(), now, offered, true)).min(Comparator.comparing(Lease::expires))
                .map(Lease::address);
    }

    /**
     * Not offered to anyone but {@code mine}, and not leased to anyone live unless {@code ownLease}
     * (the caller has checked the lease is the client's own).
     */
    private boolean free(Ipv6Address a, Instant now, Offer mine, boolean ownLease) {
        Lease l = leases.get(a);
        if (!ownLease && l != null && !l.reusableAt(now)) {
            return false;
        }
        return offers.values().stream().noneMatch(o -> o != mine && o.address().equals(a));
    }

    private void commit(PortPrefix port, ClientIdentity client, long iaid, Ipv6Address a, Instant now) {
        offers.remove(offerKey(port, client, iaid));
        String duid = ClientIdentity.duidHex(client.duid());
        Lease l = leases.get(a);
        Instant toldUntil = now.plus(boot.validLifetime());
        if (l != null && l.client().equals(client.key()) && !l.expires().isBefore(toldUntil) && l.duid().equals(duid)
                && l.iaid() == iaid && l.gone() == null) {
            return;
        }
        leases.put(a, new Lease(port.index(), client.key(), a, iaid, toldUntil.plus(boot.validLifetime()), duid));
        persist();
    }

    private int release(Dhcp6Message m, PortPrefix port, ClientIdentity client, Instant now, boolean decline) {
        int done = 0;
        for (Dhcp6Option.IaNa ia : m.all(Dhcp6Option.IaNa.class)) {
            offers.remove(offerKey(port, client, ia.iaid()));
            for (Dhcp6Option.IaAddress ad : ia.addresses()) {
                Lease l = leases.get(ad.address());
                // Only the IA's own: an address another IA of the client holds stays with it.
                if (l == null || l.port() != port.index() || !l.client().equals(client.key()) || !l.holdsIa(ia.iaid())) {
                    continue;
                }
                if (decline) {
                    leases.put(l.address(), new Lease(l.port(), Lease.DECLINED, l.address(), Lease.ANY_IA,
                            now.plus(boot.validLifetime()), l.duid()));
                } else {
                    leases.remove(l.address());
                }
                done++;
            }
        }
        if (done > 0) {
            persist();
        }
        return done;
    }

    /** The bindings as the store last took them (after a failed write). */
    private void reload() {
        leases.clear();
        for (Lease l : durable) {
            leases.put(l.address(), l);
        }
    }

    private void persist() {
        List<Lease> next = List.copyOf(leases.values());
        store.replace(next);
        durable = next;
    }

    private static String offerKey(PortPrefix port, ClientIdentity client, long iaid) {
        return port.index() + "/" + client.key() + "/" + iaid;
    }
}
