package io.kubermesh.provider.baremetal.ipmi;

import io.kubermesh.api.MalformedPacketException;
import io.kubermesh.api.PowerException;
import io.kubermesh.api.PowerException.Reason;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An IPMI 2.0 session with one BMC over UDP (RMCP+): the engine (session establishment, requests
 * matched to responses by sequence number, retransmission, SOL acknowledgements) over a thin
 * socket. Every exchange is bounded by the timeout the session was opened with. Once established,
 * one daemon thread receives every datagram and hands IPMI responses to the waiting request and
 * SOL payloads to the console.
 */
final class IpmiLan implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IpmiLan.class);
    private static final int TRIES = 3;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DatagramSocket socket;
    private final String bmc;
    private final Duration timeout;
    private final BlockingQueue<IpmiMessage> responses = new ArrayBlockingQueue<>(16);
    private final Object sendLock = new Object();
    private final Object requestLock = new Object();
    private SessionKeys keys;
    private int consoleSessionId;
    private int bmcSessionId;
    private int outboundSequence;
    private int requestSequence;
    private volatile Consumer<SolPacket> sol;
    private Thread receiver;

    private IpmiLan(DatagramSocket socket, String bmc, Duration timeout) {
        this.socket = socket;
        this.bmc = bmc;
        this.timeout = timeout;
    }

    /**
     * Establishes an administrator session, offering cipher suite 17 and then 3.
     *
     * @param password cleared by the caller after this returns
     */
    static IpmiLan open(InetSocketAddress address, String bmcName, String username, byte[] password, Duration timeout) {
        DatagramSocket socket;
        try {
            socket = new DatagramSocket();
            socket.connect(address);
        } catch (SocketException e) {
            throw new PowerException(Reason.UNREACHABLE, bmcName + ": cannot reach " + address + ": " + e.getMessage(), e);
        }
        IpmiLan lan = new IpmiLan(socket, bmcName, timeout);
        try {
            lan.establish(username, password, List.of(CipherSuite.SUITE_17, CipherSuite.SUITE_3));
            lan.startReceiver();
            lan.setPrivilege();
            return lan;
        } catch (MalformedPacketException e) {
            lan.close();
            throw new PowerException(Reason.PROTOCOL, bmcName + " answered the session setup with a malformed message: "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            lan.close();
            throw e;
        }
    }

    private void establish(String username, byte[] password, List<CipherSuite> offer) {
        consoleSessionId = RANDOM.nextInt() | 1;
        Rakp.OpenSessionResponse open = null;
        for (CipherSuite suite : offer) {
            byte[] request = new Rakp.OpenSessionRequest(0, consoleSessionId, suite).encode();
            open = Rakp.OpenSessionResponse.decode(exchange(SessionPacket.OPEN_SESSION_REQUEST, request,
                    SessionPacket.OPEN_SESSION_RESPONSE, "Open Session"));
            if (open.status() == 0 || !Rakp.isAlgorithmStatus(open.status())) {
                break;
            }
            LOG.debug("{} declined cipher suite {}: {}", bmc, suite.id, Rakp.status(open.status()));
        }
        if (open.status() != 0) {
            throw refused("Open Session", open.status());
        }
        if (open.suite() == null || open.consoleSessionId() != consoleSessionId) {
            throw new PowerException(Reason.PROTOCOL, bmc + " answered Open Session with algorithms it was not offered");
        }
        bmcSessionId = open.bmcSessionId();
        byte[] rm = new byte[16];
        RANDOM.nextBytes(rm);
        byte[] rakp1 = new Rakp.Rakp1(0, bmcSessionId, rm, Rakp.ROLE_ADMIN_BY_NAME, username).encode();
        Rakp.Rakp2 rakp2 = Rakp.Rakp2.decode(exchange(SessionPacket.RAKP_1, rakp1, SessionPacket.RAKP_2, "RAKP 1"));
        if (rakp2.status() != 0) {
            throw refused("RAKP 1 (user " + username + ")", rakp2.status());
        }
        Rakp.Exchange x = new Rakp.Exchange(open.suite(), consoleSessionId, bmcSessionId, rm, rakp2.bmcRandom(),
                rakp2.bmcGuid(), Rakp.ROLE_ADMIN_BY_NAME, username);
        if (!x.rakp2Verifies(password, rakp2.authCode())) {
            // The BMC proved it knows a password for this user, and it is not ours.
            throw new PowerException(Reason.AUTHENTICATION, bmc + " refused the password of user " + username
                    + " (its RAKP 2 key exchange code does not match the password given)");
        }
        byte[] rakp3 = new Rakp.Rakp3(0, 0, bmcSessionId, x.rakp3Code(password)).encode();
        Rakp.Rakp4 rakp4 = Rakp.Rakp4.decode(exchange(SessionPacket.RAKP_3, rakp3, SessionPacket.RAKP_4, "RAKP 3"));
        if (rakp4.status() != 0) {
            throw refused("RAKP 3 (user " + username + ")", rakp4.status());
        }
        byte[] sik = x.sik(password);
        if (!x.rakp4Verifies(sik, rakp4.integrityCheck())) {
            throw new PowerException(Reason.PROTOCOL, bmc + ": the RAKP 4 integrity check value does not match");
        }
        keys = SessionKeys.of(x.suite(), sik);
        Arrays.fill(sik, (byte) 0);
        LOG.debug("{}: session {} established with cipher suite {}", bmc, Integer.toHexString(bmcSessionId), x.suite().id);
    }

    private PowerException refused(String step, int status) {
        return new PowerException(Rakp.isCredentialStatus(status) ? Reason.AUTHENTICATION : Reason.REFUSED,
                bmc + " refused " + step + ": " + Rakp.status(status));
    }

    private void setPrivilege() {
        byte[] r = request(IpmiMessage.NETFN_APP, Chassis.SET_SESSION_PRIVILEGE, new byte[] {Rakp.ADMINISTRATOR}, "Set Session Privilege");
        if ((r[0] & 0xFF) != 0) {
            throw new PowerException(Reason.AUTHENTICATION, bmc + " would not raise the session to administrator: "
                    + Chassis.completion(r[0] & 0xFF));
        }
    }

    /** A setup message, retransmitted until its answer comes or the timeout passes. */
    private byte[] exchange(int type, byte[] payload, int answer, String what) {
        byte[] datagram = SessionPacket.setup(type, payload).encode(null, null);
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buffer = new byte[1500];
        for (int attempt = 0; attempt < TRIES; attempt++) {
            send(datagram);
            long tryEnd = Math.min(deadline, System.nanoTime() + timeout.toNanos() / TRIES);
            while (true) {
                long left = TimeUnit.NANOSECONDS.toMillis(tryEnd - System.nanoTime());
                if (left <= 0) {
                    break;
                }
                try {
                    socket.setSoTimeout((int) Math.max(1, left));
                    DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                    socket.receive(in);
                    SessionPacket p = SessionPacket.decode(Arrays.copyOf(in.getData(), in.getLength()), null);
                    if (p.payloadType() == answer) {
                        return p.payload();
                    }
                } catch (SocketTimeoutException e) {
                    break;
                } catch (PortUnreachableException e) {
                    throw new PowerException(Reason.UNREACHABLE, bmc + ": nothing listens on its IPMI port (ICMP port unreachable)", e);
                } catch (MalformedPacketException e) {
                    LOG.debug("{}: ignoring a malformed datagram during {}: {}", bmc, what, e.getMessage());
                } catch (IOException e) {
                    throw new PowerException(Reason.UNREACHABLE, bmc + ": " + what + ": " + e.getMessage(), e);
                }
            }
        }
        throw new PowerException(Reason.TIMEOUT, bmc + " did not answer " + what + " within " + timeout.toMillis()
                + " ms (" + TRIES + " tries); is it an IPMI 2.0 BMC, and is its LAN channel enabled?");
    }

    private void send(byte[] datagram) {
        try {
            socket.send(new DatagramPacket(datagram, datagram.length));
        } catch (PortUnreachableException e) {
            throw new PowerException(Reason.UNREACHABLE, bmc + ": nothing listens on its IPMI port (ICMP port unreachable)", e);
        } catch (IOException e) {
            throw new PowerException(Reason.UNREACHABLE, bmc + ": cannot send: " + e.getMessage(), e);
        }
    }

    private void sendSecured(int payloadType, byte[] payload) {
        // Requests and SOL acknowledgements (from the receiver thread) share the sequence number.
        synchronized (sendLock) {
            outboundSequence = outboundSequence + 1 == 0 ? 1 : outboundSequence + 1;
            byte[] iv = new byte[16];
            RANDOM.nextBytes(iv);
            send(SessionPacket.secured(payloadType, bmcSessionId, outboundSequence, payload).encode(keys, iv));
        }
    }

    /**
     * Sends one IPMI request and returns its response data (completion code first), retransmitting
     * with the same sequence number until it comes or the timeout passes.
     */
    byte[] request(int netFn, int command, byte[] data, String what) {
        synchronized (requestLock) {
            return requestOnce(netFn, command, data, what);
        }
    }

    private byte[] requestOnce(int netFn, int command, byte[] data, String what) {
        requestSequence = (requestSequence + 1) & 0x3F;
        IpmiMessage request = IpmiMessage.request(netFn, requestSequence, command, data);
        long deadline = System.nanoTime() + timeout.toNanos();
        responses.clear();
        for (int attempt = 0; attempt < TRIES; attempt++) {
            sendSecured(SessionPacket.IPMI, request.encode());
            long tryEnd = Math.min(deadline, System.nanoTime() + timeout.toNanos() / TRIES);
            try {
                while (true) {
                    long left = tryEnd - System.nanoTime();
                    IpmiMessage m = left <= 0 ? null : responses.poll(left, TimeUnit.NANOSECONDS);
                    if (m == null) {
                        break;
                    }
                    if (m.sequence() == request.sequence() && m.command() == command && m.netFn() == netFn + 1) {
                        if (m.data().length == 0) {
                            throw new PowerException(Reason.PROTOCOL, bmc + " answered " + what + " without a completion code");
                        }
                        return m.data();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PowerException(Reason.TIMEOUT, bmc + ": interrupted waiting for " + what, e);
            }
        }
        throw new PowerException(Reason.TIMEOUT, bmc + " did not answer " + what + " within " + timeout.toMillis() + " ms");
    }

    /** A request whose completion code must be 0; returns the data after it. */
    byte[] require(int netFn, int command, byte[] data, String what) {
        byte[] r = request(netFn, command, data, what);
        int cc = r[0] & 0xFF;
        if (cc != 0) {
            throw new PowerException(cc == 0xD4 ? Reason.AUTHENTICATION : Reason.REFUSED, bmc + " refused " + what + ": "
                    + Chassis.completion(cc));
        }
        return r;
    }

    /** Sends a SOL payload in this session. */
    void sendSol(SolPacket packet) {
        sendSecured(SessionPacket.SOL, packet.encode());
    }

    void onSol(Consumer<SolPacket> handler) {
        this.sol = handler;
    }

    private void startReceiver() {
        receiver = new Thread(this::receive, "kubermesh-ipmi-" + bmc);
        receiver.setDaemon(true);
        receiver.start();
    }

    private void receive() {
        byte[] buffer = new byte[1500];
        while (!socket.isClosed()) {
            try {
                socket.setSoTimeout(0);
                DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                socket.receive(in);
                SessionPacket p = SessionPacket.decode(Arrays.copyOf(in.getData(), in.getLength()), keys);
                if (!p.authenticated() || !p.encrypted() || p.sessionId() != consoleSessionId) {
                    continue;
                }
                if (p.payloadType() == SessionPacket.IPMI) {
                    responses.offer(IpmiMessage.decode(p.payload()));
                } else if (p.payloadType() == SessionPacket.SOL && sol != null) {
                    sol.accept(SolPacket.decode(p.payload()));
                }
            } catch (MalformedPacketException e) {
                LOG.debug("{}: ignoring a datagram: {}", bmc, e.getMessage());
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    LOG.debug("{}: receive failed: {}", bmc, e.getMessage());
                }
            } catch (RuntimeException e) {
                LOG.warn("{}: dropping a datagram: {}", bmc, e.toString());
            }
        }
    }

    /** Closes the session at the BMC (best effort) and the socket. */
    @Override
    public void close() {
        try {
            if (keys != null && receiver != null) {
                request(IpmiMessage.NETFN_APP, Chassis.CLOSE_SESSION, Rakp.le4(bmcSessionId), "Close Session");
            }
        } catch (RuntimeException e) {
            LOG.debug("{}: closing the session: {}", bmc, e.getMessage());
        } finally {
            socket.close();
            if (receiver != null) {
                receiver.interrupt();
            }
        }
    }
}
