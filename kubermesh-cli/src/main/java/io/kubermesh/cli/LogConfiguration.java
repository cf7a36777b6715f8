package io.kubermesh.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The CLI's logging, set up in code (logback's {@link Configurator} service) rather than from a
 * logback.xml: parsing XML costs every JVM a few hundred milliseconds at start, and every lab
 * machine is a JVM that starts during a join. The output is a result, so logs go to standard
 * error, warnings only unless {@code KUBERMESH_LOG} (system property or environment) names a
 * level. Two families log at INFO by default: the boot services (one line per exchange, so a
 * failed boot is diagnosed from the log alone; {@code KUBERMESH_BOOT_LOG}) and the agent's own
 * decisions (ports, anycast held, etcd membership; {@code KUBERMESH_AGENT_LOG}).
 */
public final class LogConfiguration extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> err = new ConsoleAppender<>();
        err.setContext(context);
        err.setName("ERR");
        err.setTarget("System.err");
        err.setEncoder(encoder);
        err.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level("KUBERMESH_LOG", Level.WARN));
        root.addAppender(err);
        context.getLogger("io.kubermesh.boot").setLevel(level("KUBERMESH_BOOT_LOG", Level.INFO));
        Level agent = level("KUBERMESH_AGENT_LOG", Level.INFO);
        context.getLogger("io.kubermesh.agent").setLevel(agent);
        context.getLogger("io.kubermesh.controlplane.node").setLevel(agent);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    static Level level() {
        return level("KUBERMESH_LOG", Level.WARN);
    }

    /** The level a system property or, failing that, an environment variable names. */
    static Level level(String name, Level otherwise) {
        return Level.toLevel(System.getProperty(name, System.getenv(name)), otherwise);
    }
}
