package io.kubermesh.provider.libvirt;

import io.kubermesh.api.SubstrateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.libvirt.Network;

/**
 * The few libvirt calls the substrate makes, on one connection, each turning a
 * {@link LibvirtException} into a {@link SubstrateException} that says what was being done to
 * which object. Objects are addressed by name only.
 */
final class Hypervisor implements AutoCloseable {
    /** virDomainUndefineFlags: also remove the NVRAM file (VIR_DOMAIN_UNDEFINE_NVRAM); libvirt-java lacks the constant. */
    private static final int UNDEFINE_NVRAM = 4;
    private static final int AFFECT_LIVE = 1;
    private static final int AFFECT_CONFIG = 2;
    /** virDomainXMLFlags: the persistent definition rather than the running one. */
    private static final int XML_INACTIVE = 2;

    /**
     * libvirt prints every error to stderr unless a handler is set; the substrate reports them in
     * its exceptions instead. JNA needs the callback strongly referenced for as long as it is set.
     */
    private static final org.libvirt.ErrorCallback QUIET = new org.libvirt.ErrorCallback();

    private final String uri;
    private final Connect conn;

    private Hypervisor(String uri, Connect conn) {
        this.uri = uri;
        this.conn = conn;
    }

    static Hypervisor open(String uri) {
        try {
            Connect.setErrorCallback(QUIET);
            return new Hypervisor(uri, new Connect(uri, false));
        } catch (LibvirtException e) {
            throw new SubstrateException("cannot connect to libvirt at " + uri + ": " + message(e), e);
        }
    }

    String uri() {
        return uri;
    }

    String capabilities() {
        return call("read the capabilities of " + uri, conn::getCapabilities);
    }

    long libvirtVersion() {
        return call("read the libvirt version", conn::getLibVersion);
    }

    List<String> domains() {
        return call("list domains", () -> {
            List<String> out = new ArrayList<>(Arrays.asList(conn.listDefinedDomains()));
            for (int id : conn.listDomains()) {
                out.add(conn.domainLookupByID(id).getName());
            }
            return out;
        });
    }

    List<String> networks() {
        return call("list networks", () -> {
            List<String> out = new ArrayList<>(Arrays.asList(conn.listDefinedNetworks()));
            out.addAll(Arrays.asList(conn.listNetworks()));
            return out;
        });
    }

    boolean domainExists(String name) {
        return call("look up domain " + name, () -> {
            try {
                conn.domainLookupByName(name);
                return true;
            } catch (LibvirtException e) {
                if (e.getError().getCode() == ErrorNumber.VIR_ERR_NO_DOMAIN) {
                    return false;
                }
                throw e;
            }
        });
    }

    void defineDomain(String name, String xml) {
        run("define domain " + name, () -> conn.domainDefineXML(xml));
    }

    boolean isActive(String name) {
        return call("read the state of domain " + name, () -> domain(name).isActive() == 1);
    }

    void start(String name) {
        run("start domain " + name, () -> domain(name).create());
    }

    /** Pulls the power: the domain stops at once; its disk and NVRAM stay. */
    void destroy(String name) {
        run("stop domain " + name, () -> {
            Domain d = domain(name);
            if (d.isActive() == 1) {
                d.destroy();
            }
        });
    }

    /** Presses the power button (ACPI) and waits up to {@code grace} for the guest to stop; false if it did not. */
    boolean shutdown(String name, Duration grace) {
        return call("shut down domain " + name, () -> {
            Domain d = domain(name);
            if (d.isActive() != 1) {
                return true;
            }
            d.shutdown();
            long deadline = System.nanoTime() + grace.toNanos();
            while (System.nanoTime() < deadline) {
                if (d.isActive() != 1) {
                    return true;
                }
                Thread.sleep(200);
            }
            return d.isActive() != 1;
        });
    }

    void reset(String name) {
        run("reset domain " + name, () -> domain(name).reset());
    }

    /** Removes a stopped domain's definition and its NVRAM file. */
    void undefine(String name) {
        undefine(name, true);
    }

    /** Removes a stopped domain's definition, with its NVRAM file or (drivers without NVRAM) without. */
    void undefine(String name, boolean nvram) {
        run("undefine domain " + name, () -> domain(name).undefine(nvram ? UNDEFINE_NVRAM : 0));
    }

    String domainXml(String name, boolean inactive) {
        return call("read the XML of domain " + name, () -> domain(name).getXMLDesc(inactive ? XML_INACTIVE : 0));
    }

    /**
     * Changes a device (found by its MAC) in the domain's definition and, if it runs, in the
     * running VM at the same time, so a cable change survives a power cycle.
     */
    void updateDevice(String name, String xml) {
        run("update a device of domain " + name, () -> {
            Domain d = domain(name);
            d.updateDeviceFlags(xml, d.isActive() == 1 ? AFFECT_LIVE | AFFECT_CONFIG : AFFECT_CONFIG);
        });
    }

    boolean networkExists(String name) {
        return call("look up network " + name, () -> {
            try {
                conn.networkLookupByName(name);
                return true;
            } catch (LibvirtException e) {
                if (e.getError().getCode() == ErrorNumber.VIR_ERR_NO_NETWORK) {
                    return false;
                }
                throw e;
            }
        });
    }

    void defineNetwork(String name, String xml) {
        run("define network " + name, () -> conn.networkDefineXML(xml));
    }

    /** Starts the network if it is not running; true if it was started now. */
    boolean startNetwork(String name) {
        return call("start network " + name, () -> {
            Network n = conn.networkLookupByName(name);
            if (n.isActive() == 1) {
                return false;
            }
            n.create();
            return true;
        });
    }

    /** Stops and undefines a network, whatever state it is in. */
    void removeNetwork(String name) {
        run("remove network " + name, () -> {
            Network n = conn.networkLookupByName(name);
            if (n.isActive() == 1) {
                n.destroy();
            }
            n.undefine();
        });
    }

    @Override
    public void close() {
        try {
            conn.close();
        } catch (LibvirtException e) {
            // the connection is gone either way
        }
    }

    private Domain domain(String name) throws LibvirtException {
        return conn.domainLookupByName(name);
    }

    /** A libvirt call that returns something. */
    @FunctionalInterface
    interface Call<T> {
        T call() throws LibvirtException, InterruptedException;
    }

    /** A libvirt call for its effect. */
    @FunctionalInterface
    interface Run {
        void run() throws LibvirtException, InterruptedException;
    }

    private static <T> T call(String what, Call<T> c) {
        try {
            return c.call();
        } catch (LibvirtException e) {
            throw new SubstrateException("libvirt could not " + what + ": " + message(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SubstrateException("interrupted while trying to " + what, e);
        }
    }

    private static void run(String what, Run r) {
        call(what, () -> {
            r.run();
            return null;
        });
    }

    private static String message(LibvirtException e) {
        return e.getError() != null && e.getError().getMessage() != null ? e.getError().getMessage() : String.valueOf(e.getMessage());
    }
}
