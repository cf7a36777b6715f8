package io.kubermesh.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kubermesh.addressing.site.SiteConfig;
import io.kubermesh.addressing.site.SiteInventory;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.EnvironmentException;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.PowerException;
import io.kubermesh.spi.BootDevice;
import io.kubermesh.spi.MachinePower;
import io.kubermesh.spi.PowerAdvice;
import io.kubermesh.spi.PowerDriver;
import io.kubermesh.spi.PowerDrivers;
import io.kubermesh.spi.PowerPolicy;
import io.kubermesh.spi.PowerState;
import io.kubermesh.spi.PowerTarget;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubermesh power on|off|cycle|status NODE... --site FILE}: a machine's power through the BMC
 * the site inventory names. Uses only the power SPI and the inventory reader; the drivers (IPMI,
 * Redfish, Wake-on-LAN) come from the runtime class path through ServiceLoader. Machines are
 * driven in parallel; each one's progress and result is a line. Exit 0 when every machine ended
 * as asked, 1 when one failed, 2 for bad input (before any BMC is touched), 3 when the host lacks
 * something (a raw socket for Wake-on-LAN needs root).
 */
@Command(name = "power", mixinStandardHelpOptions = true,
        description = "Powers machines on, off or through a cycle, or reads their state, through their BMCs.")
final class PowerCommand implements Callable<Integer> {
    enum Action {
        on, off, cycle, status
    }

    @Parameters(index = "0", paramLabel = "ACTION", description = "on, off, cycle or status.")
    Action action;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "NODE", description = "Machines of the site inventory.")
    List<String> nodes;

    @Option(names = "--site", required = true, paramLabel = "FILE", description = "The site inventory (site.yaml).")
    Path site;

    @Option(names = "--force", description = "off: cut power at once instead of asking the operating system first.")
    boolean force;

    @Option(names = "--next-boot", paramLabel = "DEVICE",
            description = "on, cycle: boot once from network or disk (set before powering on).")
    String nextBoot;

    @Option(names = "--soft-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "off: seconds the operating system gets before power is cut (default: ${DEFAULT-VALUE}).")
    int softTimeout;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table, json or yaml (default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** One machine's outcome. */
    record Result(String machine, String bmc, PowerState state, KubermeshException error) {
    }

    @Override
    public Integer call() {
        BootDevice boot = bootDevice();
        if (softTimeout < 0 || softTimeout > 3600) {
            throw new ConfigurationException("--soft-timeout", Integer.toString(softTimeout), "0..3600 seconds");
        }
        SiteInventory inventory = SiteConfig.load(site);
        List<PowerDriver> found = PowerDrivers.drivers(PowerCommand.class.getClassLoader());
        List<PowerTarget> targets = new ArrayList<>();
        List<PowerDriver> drivers = new ArrayList<>();
        List<ConfigurationException.Problem> problems = new ArrayList<>();
        List<String> unique = new ArrayList<>(new LinkedHashSet<>(nodes));
        for (int i = 0; i < unique.size(); i++) {
            try {
                PowerTarget t = inventory.powerTarget("NODE[" + i + "]", unique.get(i));
                drivers.add(PowerDrivers.driver("NODE[" + i + "]", t.address().driver(), found));
                targets.add(t);
            } catch (ConfigurationException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        PolicyAndOut run = new PolicyAndOut(PowerPolicy.DEFAULT.withSoftOff(Duration.ofSeconds(softTimeout)), spec.commandLine().getErr());
        List<Result> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(8, targets.size()), r -> {
            Thread t = new Thread(r, "kubermesh-power");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Result>> futures = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                PowerTarget t = targets.get(i);
                PowerDriver d = drivers.get(i);
                futures.add(pool.submit(() -> drive(d, t, boot, run)));
            }
            for (Future<Result> f : futures) {
                results.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.kubermesh.api.SubstrateException("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        print(results);
        if (results.stream().anyMatch(r -> r.error() instanceof EnvironmentException)) {
            return Kubermesh.ENVIRONMENT;
        }
        return results.stream().anyMatch(r -> r.error() != null) ? Kubermesh.FAILED : 0;
    }

    private record PolicyAndOut(PowerPolicy policy, PrintWriter err) {
        synchronized void say(String machine, String text) {
            err.println(machine + ": " + text);
            err.flush();
        }
    }

    private Result drive(PowerDriver driver, PowerTarget target, BootDevice boot, PolicyAndOut run) {
        String bmc = target.address().toString();
        try {
            driver.checkEnvironment();
            PowerState[] last = {null};
            try (MachinePower power = MachinePower.open(driver, target, run.policy(), s -> {
                if (action != Action.status && s != last[0] && !s.settled()) {
                    run.say(target.machine(), s.text());
                }
                last[0] = s;
            })) {
                if (boot != null) {
                    power.bootOnce(boot);
                }
                PowerState s = switch (action) {
                    case on -> power.on();
                    case off -> force ? power.forceOff() : power.off();
                    case cycle -> power.cycle();
                    case status -> power.state();
                };
                return new Result(target.machine(), bmc, s, null);
            }
        } catch (PowerException e) {
            // The driver says what the BMC did; the advice says which part of site.yaml or the network to check.
            PowerException explained = new PowerException(e.reason(), PowerAdvice.explain(target, e), e);
            run.say(target.machine(), "failed: " + explained.getMessage());
            return new Result(target.machine(), bmc, null, explained);
        } catch (KubermeshException e) {
            run.say(target.machine(), "failed: " + e.getMessage());
            return new Result(target.machine(), bmc, null, e);
        }
    }

    private BootDevice bootDevice() {
        if (nextBoot == null) {
            return null;
        }
        if (action != Action.on && action != Action.cycle) {
            throw new ConfigurationException("--next-boot", nextBoot, "only with on or cycle");
        }
        return switch (nextBoot.toLowerCase(Locale.ROOT)) {
            case "network" -> BootDevice.NETWORK;
            case "disk" -> BootDevice.DISK;
            default -> throw new ConfigurationException("--next-boot", nextBoot, "network or disk");
        };
    }

    private void print(List<Result> results) {
        PrintWriter out = spec.commandLine().getOut();
        if (output == OutputFormat.table) {
            out.printf("%-20s %-12s %s%n", "MACHINE", "STATE", "BMC");
            for (Result r : results) {
                out.printf("%-20s %-12s %s%n", r.machine(), r.error() != null ? "failed" : r.state().text(), r.bmc());
            }
            out.flush();
            return;
        }
        try (JsonGenerator g = output.generator(out)) {
            g.writeStartArray();
            for (Result r : results) {
                g.writeStartObject();
                g.writeStringField("machine", r.machine());
                g.writeStringField("bmc", r.bmc());
                g.writeStringField("state", r.error() != null ? "failed" : r.state().text());
                if (r.error() != null) {
                    g.writeStringField("error", r.error().getMessage());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.flush();
            if (output == OutputFormat.json) {
                out.println();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
    }
}
