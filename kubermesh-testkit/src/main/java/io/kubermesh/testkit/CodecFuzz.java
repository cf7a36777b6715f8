package io.kubermesh.testkit;

import io.kubermesh.api.MalformedPacketException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Mutation fuzzing of a wire codec, shared by the codecs' jqwik properties and the benchmark run
 * of a million inputs each ({@code kubermesh-benchmarks/scripts/codec-fuzz.sh}). Inputs are valid
 * packets (the seeds) mutated one to four times: bit flips, interesting bytes and 16-bit values
 * (lengths of 0, 1, 0xFFFF, one off), inserted, deleted and duplicated ranges, truncation, splices
 * of another seed.
 *
 * <p>The property checked on every input: decoding either raises {@link MalformedPacketException}
 * or gives a message {@code m} whose encoding decodes to a message equal to {@code m} and
 * re-encodes to the same bytes (whatever decodes re-encodes to an equivalent packet). Any other
 * exception, or a difference, is a crash.
 */
public final class CodecFuzz {
    private CodecFuzz() {
    }

    /** A codec under test. */
    public interface Codec<T> {
        T decode(byte[] wire);

        byte[] encode(T message);
    }

    /** How one input fared. */
    public enum Outcome { DECODED, MALFORMED }

    /** A crash: the property does not hold for {@code input}. */
    public static final class Crash extends AssertionError {
        private final byte[] input;

        Crash(byte[] input, String why, Throwable cause) {
            super(why + " for input " + HexFormat.of().formatHex(input), cause);
            this.input = input.clone();
        }

        public byte[] input() {
            return input.clone();
        }
    }

    /**
     * What a run found.
     *
     * @param crashes the first crashes (at most 5), each with its input in hex
     */
    public record Report(String codec, long inputs, long decoded, long malformed, long crashCount, List<String> crashes,
                         Duration took) {
        @Override
        public String toString() {
            return String.format("%-10s %,12d inputs %,12d decoded %,12d malformed %,6d crashes %6.1f s%s", codec,
                    inputs, decoded, malformed, crashCount, took.toMillis() / 1000.0,
                    crashes.isEmpty() ? "" : "\n  " + String.join("\n  ", crashes));
        }
    }

    /** Checks the property on one input; throws {@link Crash} when it does not hold. */
    public static <T> Outcome check(Codec<T> codec, byte[] input) {
        T m;
        try {
            m = codec.decode(input.clone());
        } catch (MalformedPacketException e) {
            return Outcome.MALFORMED;
        } catch (RuntimeException | StackOverflowError e) {
            throw new Crash(input, "decode threw " + e, e);
        }
        byte[] again;
        T m2;
        try {
            again = codec.encode(m);
        } catch (RuntimeException e) {
            throw new Crash(input, "decoded " + m + " but encoding it threw " + e, e);
        }
        try {
            m2 = codec.decode(again.clone());
        } catch (RuntimeException e) {
            throw new Crash(input, "the re-encoding of " + m + " does not decode: " + e, e);
        }
        if (!m2.equals(m)) {
            throw new Crash(input, "decoded " + m + " but its re-encoding decodes to " + m2, null);
        }
        if (!Arrays.equals(codec.encode(m2), again)) {
            throw new Crash(input, "re-encoding " + m + " is not stable", null);
        }
        return Outcome.DECODED;
    }

    /** Runs {@code inputs} mutated seeds through {@link #check}. */
    public static <T> Report run(String name, Codec<T> codec, List<byte[]> seeds, long inputs, long randomSeed) {
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("fuzzing " + name + " needs at least one seed");
        }
        SplittableRandom r = new SplittableRandom(randomSeed);
        long decoded = 0;
        long malformed = 0;
        long crashes = 0;
        List<String> samples = new ArrayList<>();
        long start = System.nanoTime();
        for (long i = 0; i < inputs; i++) {
            byte[] input = mutate(seeds.get(r.nextInt(seeds.size())), r, seeds);
            try {
                if (check(codec, input) == Outcome.DECODED) {
                    decoded++;
                } else {
                    malformed++;
                }
            } catch (Crash c) {
                crashes++;
                if (samples.size() < 5) {
                    samples.add(c.getMessage());
                }
            }
        }
        return new Report(name, inputs, decoded, malformed, crashes, List.copyOf(samples),
                Duration.ofNanos(System.nanoTime() - start));
    }

    private static final int[] INTERESTING = {0, 1, 2, 3, 4, 0x7F, 0x80, 0xFF};

    /** One to four mutations of {@code seed}. */
    public static byte[] mutate(byte[] seed, SplittableRandom r, List<byte[]> corpus) {
        byte[] b = seed.clone();
        int ops = 1 + r.nextInt(4);
        for (int i = 0; i < ops; i++) {
            b = once(b, r, corpus);
        }
        return b;
    }

    private static byte[] once(byte[] b, SplittableRandom r, List<byte[]> corpus) {
        int n = b.length;
        switch (r.nextInt(8)) {
            case 0 -> {
                if (n > 0) {
                    b[r.nextInt(n)] ^= (byte) (1 << r.nextInt(8));
                }
                return b;
            }
            case 1 -> {
                if (n > 0) {
                    b[r.nextInt(n)] = (byte) INTERESTING[r.nextInt(INTERESTING.length)];
                }
                return b;
            }
            case 2 -> {
                // a 16-bit field (most lengths and codes are): 0, 1, 0xFFFF or one off
                if (n >= 2) {
                    int at = r.nextInt(n - 1);
                    int v = ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
                    int[] choices = {0, 1, 0xFFFF, v + 1, v - 1, v + 4, v - 4};
                    int w = choices[r.nextInt(choices.length)] & 0xFFFF;
                    b[at] = (byte) (w >> 8);
                    b[at + 1] = (byte) w;
                }
                return b;
            }
            case 3 -> {
                int at = r.nextInt(n + 1);
                int len = 1 + r.nextInt(8);
                byte[] out = new byte[n + len];
                System.arraycopy(b, 0, out, 0, at);
                for (int k = 0; k < len; k++) {
                    out[at + k] = (byte) r.nextInt(256);
                }
                System.arraycopy(b, at, out, at + len, n - at);
                return out;
            }
            case 4 -> {
                if (n == 0) {
                    return b;
                }
                int at = r.nextInt(n);
                int len = 1 + r.nextInt(Math.min(8, n - at));
                byte[] out = new byte[n - len];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + len, out, at, n - at - len);
                return out;
            }
            case 5 -> {
                if (n == 0) {
                    return b;
                }
                int at = r.nextInt(n);
                int len = 1 + r.nextInt(Math.min(16, n - at));
                byte[] out = new byte[n + len];
                System.arraycopy(b, 0, out, 0, at + len);
                System.arraycopy(b, at, out, at + len, n - at);
                return out;
            }
            case 6 -> {
                return Arrays.copyOf(b, n == 0 ? 0 : r.nextInt(n));
            }
            default -> {
                byte[] other = corpus.get(r.nextInt(corpus.size()));
                int cut = r.nextInt(n + 1);
                int from = r.nextInt(other.length + 1);
                byte[] out = new byte[cut + other.length - from];
                System.arraycopy(b, 0, out, 0, cut);
                System.arraycopy(other, from, out, cut, other.length - from);
                return out;
            }
        }
    }
}
