package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogConfigurationTest {
    @AfterEach
    void clear() {
        System.clearProperty("KUBERMESH_LOG");
    }

    @Test
    void theServiceConfiguresLogbackWithWarningsOnStandardError() {
        // Found by logback's ServiceLoader: the context the CLI gets is already configured by it.
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getAppender("ERR")).isInstanceOf(ConsoleAppender.class);
        assertThat(((ConsoleAppender<?>) root.getAppender("ERR")).getTarget()).isEqualTo("System.err");
    }

    @Test
    void kubermeshLogNamesTheLevelAndAnythingElseMeansWarn() {
        System.setProperty("KUBERMESH_LOG", "DEBUG");
        assertThat(LogConfiguration.level()).isEqualTo(Level.DEBUG);
        System.setProperty("KUBERMESH_LOG", "nonsense");
        assertThat(LogConfiguration.level()).isEqualTo(Level.WARN);
    }

    @Test
    void bootExchangesAndAgentDecisionsLogAtInfoWhileTheRestWarns() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(context.getLogger("io.kubermesh.boot.dhcp6.Dhcp6Server").getEffectiveLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("io.kubermesh.agent.Agent").getEffectiveLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("io.kubermesh.routing.daemon.Supervisor").getEffectiveLevel())
                .isEqualTo(LogConfiguration.level());
        System.setProperty("KUBERMESH_BOOT_LOG", "ERROR");
        try {
            assertThat(LogConfiguration.level("KUBERMESH_BOOT_LOG", Level.INFO)).isEqualTo(Level.ERROR);
        } finally {
            System.clearProperty("KUBERMESH_BOOT_LOG");
        }
    }
}
