package io.kubermesh.cli;

import io.kubermesh.api.KubermeshException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * What a lab machine's JVM runs: {@code firmware} or {@code agent} with {@code --config FILE
 * --state DIR --name NAME} (and, for the deployed machine's agent, {@code --etcd-bootstrap}),
 * exactly as the lab launcher writes them, without building picocli's
 * model of every command first (a third of a second to most of one in a cold JVM, paid at every
 * join). People run {@code kubermesh agent}; this is the same command.
 */
public final class LabMachine {
    private LabMachine() {
    }

    public static void main(String[] args) {
        try {
            System.exit(command(args).call());
        } catch (KubermeshException e) {
            System.err.println("kubermesh: " + e.getMessage());
            System.exit(Kubermesh.FAILED);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(Kubermesh.FAILED);
        }
    }

    static Callable<Integer> command(String[] args) {
        Path config = null;
        Path state = null;
        String name = null;
        boolean etcdBootstrap = false;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--etcd-bootstrap")) {
                etcdBootstrap = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw usage(args);
            }
            switch (args[i]) {
                case "--config" -> config = Path.of(args[++i]);
                case "--state" -> state = Path.of(args[++i]);
                case "--name" -> name = args[++i];
                default -> throw usage(args);
            }
        }
        if (args.length == 0 || config == null || state == null || name == null
                || (etcdBootstrap && !args[0].equals("agent"))) {
            throw usage(args);
        }
        if (args[0].equals("firmware")) {
            FirmwareCommand f = new FirmwareCommand();
            f.config = config;
            f.state = state;
            f.name = name;
            f.timeoutSeconds = 120;
            return f;
        }
        if (args[0].equals("agent")) {
            AgentCommand a = new AgentCommand();
            a.config = config;
            a.state = state;
            a.name = name;
            a.stub = io.kubermesh.agent.AgentSettings.DEFAULT_STUB;
            a.etcdBootstrap = etcdBootstrap;
            return a;
        }
        throw usage(args);
    }

    private static IllegalArgumentException usage(String[] args) {
        return new IllegalArgumentException("usage: firmware|agent --config FILE --state DIR --name NAME [--etcd-bootstrap (agent)], not "
                + String.join(" ", args));
    }
}
