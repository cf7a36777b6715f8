package io.kubermesh.routing.netlink;

import io.kubermesh.testkit.CodecFuzz;

/**
 * The benchmark run of the rtnetlink codec's mutation fuzzing ({@code scripts/codec-fuzz.sh}):
 * {@code NetlinkCodecFuzz [INPUTS [SEED]]} runs INPUTS (default 1,000,000) mutated datagrams,
 * seeded with 500 valid ones from the codec's jqwik generator, and prints the count and crashes.
 * Exit 1 when anything crashed.
 */
public final class NetlinkCodecFuzz {
    private NetlinkCodecFuzz() {
    }

    public static void main(String[] args) {
        long inputs = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
        CodecFuzz.Report r = CodecFuzz.run("rtnetlink", NetlinkCodecProperties.CODEC, new NetlinkCodecProperties()
                .messageLists().sampleStream().limit(500).map(NetlinkCodecProperties.CODEC::encode).toList(), inputs, seed);
        System.out.println("codec fuzzing, " + inputs + " mutated inputs, seed " + seed);
        System.out.println(r);
        System.exit(r.crashCount() > 0 ? 1 : 0);
    }
}
