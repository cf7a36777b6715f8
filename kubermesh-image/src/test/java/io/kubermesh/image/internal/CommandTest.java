package io.kubermesh.image.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.EnvironmentException;
import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.Requirement;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandTest {
    @Test
    void aProgramThatCannotStartNamesItsPackage() {
        assertThatThrownBy(() -> Command.of(HostRequirements.MKFS_EXT4.at("/nonexistent/kmrv2-mkfs.ext4", List.of("-q")))
                .run()).isInstanceOf(EnvironmentException.class).hasMessageContaining("/nonexistent/kmrv2-mkfs.ext4")
                .extracting(e -> ((EnvironmentException) e).remedy().orElseThrow())
                .isEqualTo("apt-get install -y e2fsprogs");
    }

    @Test
    void aFailedRunSaysTheCommandItsExitCodeAndItsOutput() {
        assertThat(Command.of(HostRequirements.SH.args("-c", "echo kmrv2 out")).run()).isEqualTo("kmrv2 out\n");
        assertThatThrownBy(() -> Command.of(HostRequirements.SH.args("-c", "echo kmrv2 broken >&2; exit 7")).run())
                .isInstanceOf(KubermeshException.class).hasMessageContaining("exit code 7")
                .hasMessageContaining("kmrv2 broken");
    }

    @Test
    void requireListsEveryMissingProgramAndItsPackages() {
        Requirement.Program absent = new Requirement.Program("kmrv2-absent", "/nonexistent/kmrv2-absent", "kmrv2-pkg",
                "a test");
        assertThatThrownBy(() -> Tools.require(List.of(HostRequirements.SH, absent)))
                .isInstanceOf(EnvironmentException.class).hasMessageContaining("/nonexistent/kmrv2-absent")
                .hasMessageNotContaining("/bin/sh")
                .extracting(e -> ((EnvironmentException) e).remedy().orElseThrow())
                .isEqualTo("apt-get install -y kmrv2-pkg");
    }
}
