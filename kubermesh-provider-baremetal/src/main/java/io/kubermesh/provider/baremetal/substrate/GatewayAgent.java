package io.kubermesh.provider.baremetal.substrate;

import io.kubermesh.agent.AgentOptions;
import io.kubermesh.agent.AgentProcess;
import io.kubermesh.api.KubermeshException;
import java.nio.file.Path;

/**
 * What the gateway runs, started by {@link BaremetalSubstrate} in the gateway's namespace:
 * {@code --config FILE --state DIR --name NAME [--etcd-bootstrap] [--tftp-root DIR]}, the same agent composition
 * {@code kubermesh agent} runs, without picocli (a cold JVM pays for its model at every start).
 */
public final class GatewayAgent {
    private GatewayAgent() {
    }

    public static void main(String[] args) {
        Path config = null;
        Path state = null;
        String name = null;
        boolean bootstrap = false;
        Path tftpRoot = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> config = Path.of(args[++i]);
                case "--state" -> state = Path.of(args[++i]);
                case "--name" -> name = args[++i];
                case "--etcd-bootstrap" -> bootstrap = true;
                case "--tftp-root" -> tftpRoot = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: --config FILE --state DIR --name NAME [--etcd-bootstrap] [--tftp-root DIR], not " + args[i]);
                    System.exit(2);
                }
            }
        }
        try {
            System.exit(AgentProcess.run(new AgentOptions(config, state, name, null, bootstrap, tftpRoot, null), System.err));
        } catch (KubermeshException e) {
            System.err.println("kubermesh: " + e.getMessage());
            System.exit(1);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }
}
