package io.kubermesh.boot.fuzz;

import io.kubermesh.boot.dhcp6.Dhcp6Codec;
import io.kubermesh.boot.dhcp6.Dhcp6CodecProperties;
import io.kubermesh.boot.ra.NdCodec;
import io.kubermesh.boot.ra.NdCodecProperties;
import io.kubermesh.boot.tftp.TftpCodec;
import io.kubermesh.boot.tftp.TftpCodecProperties;
import io.kubermesh.testkit.CodecFuzz;

import java.util.List;

/**
 * The benchmark run of the boot codecs' mutation fuzzing ({@code scripts/codec-fuzz.sh}):
 * {@code BootCodecFuzz [INPUTS [SEED]]} runs INPUTS (default 1,000,000) mutated packets through each
 * of DHCPv6, TFTP and ND, seeded with 500 valid packets from each codec's jqwik generator, and
 * prints one line per codec with the count and the crashes. Exit 1 when anything crashed.
 */
public final class BootCodecFuzz {
    private BootCodecFuzz() {
    }

    public static void main(String[] args) {
        long inputs = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
        System.out.println("codec fuzzing, " + inputs + " mutated inputs per codec, seed " + seed);
        List<CodecFuzz.Report> reports = List.of(
                CodecFuzz.run("DHCPv6", Dhcp6CodecProperties.CODEC, new Dhcp6CodecProperties().messages().sampleStream()
                        .limit(500).map(Dhcp6Codec::encodeToBytes).toList(), inputs, seed),
                CodecFuzz.run("TFTP", TftpCodecProperties.CODEC, new TftpCodecProperties().packets().sampleStream()
                        .limit(500).map(TftpCodec::encode).toList(), inputs, seed + 1),
                CodecFuzz.run("ND", NdCodecProperties.CODEC, new NdCodecProperties().messages().sampleStream()
                        .limit(500).map(NdCodec::encode).toList(), inputs, seed + 2));
        reports.forEach(System.out::println);
        System.exit(reports.stream().anyMatch(r -> r.crashCount() > 0) ? 1 : 0);
    }
}
