package io.kubermesh.image.build;

import java.util.List;

/**
 * What the EFI system partition holds besides the kernel and initrd: systemd-boot as the removable
 * media path {@code \EFI\BOOT\BOOTX64.EFI} (found by any UEFI firmware without a boot entry, on a
 * USB drive and on an installed disk alike), a loader configuration that boots the one entry at once
 * with the command line editor off, and that entry. The kernel and initrd live in
 * {@value #NETBOOT_DIR}, the same relative paths the boot services serve under {@code /assets/}.
 */
public final class EspContents {
    public static final String BOOT_LOADER = "EFI/BOOT/BOOTX64.EFI";
    public static final String NETBOOT_DIR = "kubermesh";
    public static final String KERNEL = NETBOOT_DIR + "/vmlinuz";
    public static final String INITRD = NETBOOT_DIR + "/initrd.img";
    /** Serial console first for the log, then the screen; the last named is /dev/console. */
    public static final List<String> CONSOLE_ARGS = List.of("console=tty0", "console=ttyS0,115200n8");

    private EspContents() {
    }

    public static String loaderConf() {
        return "default kubermesh.conf\ntimeout 0\neditor no\nconsole-mode keep\n";
    }

    public static String entry() {
        return "title kubermesh\n"
                + "linux /" + KERNEL + "\n"
                + "initrd /" + INITRD + "\n"
                + "options " + String.join(" ", CONSOLE_ARGS) + " kubermesh.boot=disk\n";
    }
}
